/**
 * Shared by the gateway-*.test.ts files: the three subgraphs over one demo store on port 0, a
 * gateway in front of them, a proxy that counts, delays or fails subgraph requests, and a small
 * GraphQL client.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { fetch, request } from 'undici';
import type { Store } from '../../store/store';
import { SUBGRAPHS } from '../../subgraphs';
import { startSubgraph } from '../../subgraphs/server';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../gateway/gateway';
import type { RunningServer } from '../../server/http';
import { FIXED_NOW } from '../support/paths';

export const JWT_SECRET = new TextEncoder().encode('gateway-test-jwt-secret-of-enough-length');

export async function startSubgraphs(store: Store): Promise<Record<string, RunningServer>> {
  const running: Record<string, RunningServer> = {};
  for (const module of SUBGRAPHS)
    running[module.name] = await startSubgraph(module, store, { port: 0, now: () => FIXED_NOW });
  return running;
}

/** Starts one subgraph again on the port it had. */
export function restartSubgraph(store: Store, name: string, port: number): Promise<RunningServer> {
  return startSubgraph(SUBGRAPHS.find((m) => m.name === name)!, store, { port, now: () => FIXED_NOW });
}

export function startTestGateway(
  urls: Record<string, string>,
  options: Partial<GatewayOptions> = {},
): Promise<RunningGateway> {
  return startGateway({
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'silent' }),
    auth: { secret: JWT_SECRET },
    subgraphUrls: urls,
    ...options,
  });
}

/** Counts the requests each subgraph server receives, by name, from now on (the object fills as they come). */
export function countRequests(subgraphs: Record<string, RunningServer>): Record<string, number> {
  const seen: Record<string, number> = {};
  for (const [name, s] of Object.entries(subgraphs)) {
    seen[name] = 0;
    s.server.on('request', () => (seen[name] += 1));
  }
  return seen;
}

export function urlsOf(subgraphs: Record<string, { url: string }>): Record<string, string> {
  return Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url]));
}

export interface ProxiedRequest {
  body: string;
  headers: IncomingHttpHeaders;
}

/** A subgraph stand-in that forwards to the real one, recording, delaying or failing requests. */
export interface SubgraphProxy {
  url: string;
  requests: ProxiedRequest[];
  delayMs: number;
  /** Answer the next `times` requests with this status instead of forwarding them. */
  failNext(times: number, status: number): void;
  close(): Promise<void>;
}

export async function startProxy(target: string, delayMs = 0): Promise<SubgraphProxy> {
  const requests: ProxiedRequest[] = [];
  let failures: { times: number; status: number } = { times: 0, status: 0 };
  const proxy: Partial<SubgraphProxy> & { delayMs: number } = { delayMs };
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({ body, headers: req.headers });
    if (failures.times > 0) {
      failures.times -= 1;
      res.writeHead(failures.status, { 'content-type': 'text/plain' });
      res.end('failing on purpose');
      return;
    }
    if (proxy.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, proxy.delayMs);
        timers.add(timer);
      });
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection') headers[k] = v;
    try {
      const upstream = await request(target, { method: 'POST', headers, body });
      const text = await upstream.body.text();
      res.writeHead(upstream.statusCode, {
        'content-type': String(upstream.headers['content-type'] ?? 'application/json'),
      });
      res.end(text);
    } catch {
      res.socket?.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    failNext(times: number, status: number) {
      failures = { times, status };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  }) as SubgraphProxy;
}

export type GraphQLResult = {
  status: number;
  headers: Headers;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

export async function gql(
  url: string,
  body: Record<string, unknown>,
  token?: string | null,
  extra: Record<string, string> = {},
): Promise<GraphQLResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers as unknown as Headers, ...((await res.json()) as object) };
}

export async function gqlGet(url: string, params: Record<string, unknown>): Promise<GraphQLResult> {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) search.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const res = await fetch(`${url}?${search}`, { headers: { accept: 'application/graphql-response+json' } });
  return { status: res.status, headers: res.headers as unknown as Headers, ...((await res.json()) as object) };
}

/** A counter's value from the gateway's Prometheus text. */
export async function metricValue(
  gatewayUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
