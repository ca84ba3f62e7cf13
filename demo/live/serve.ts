/**
 * What the demo agencies' live services share: a loopback HTTP server that reads each body whole
 * (bounded), checks the caller's identity when told how, remembers the last identities it was sent
 * (for the tests), and a command line to run one alone as its own process.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { decodeJwt, type JWK } from 'jose';
import type { AddressInfo } from 'node:net';
import { createIdentityCheck, IdentityError, type CallerIdentity, type IdentityCheckOptions } from './identity';

export interface LiveServiceOptions {
  port?: number;
  host?: string;
  /** Verify the gateway's identity on every call (refusing calls without it); otherwise it is only read. */
  identity?: IdentityCheckOptions;
}

export interface RunningLiveService {
  url: string;
  port: number;
  /** Identities received, newest last (at most 100): what the gateway told this agency. */
  received: Array<{ header: boolean; identity: CallerIdentity | null; claims: string[]; path: string }>;
  close(): Promise<void>;
}

export interface LiveRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
  identity: CallerIdentity | null;
}

export type LiveHandler = (
  request: LiveRequest,
) => Promise<{ status: number; body: unknown; type?: string }> | { status: number; body: unknown; type?: string };

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function serveLive(options: LiveServiceOptions, handle: LiveHandler): Promise<RunningLiveService> {
  const check = options.identity ? createIdentityCheck(options.identity) : null;
  const received: RunningLiveService['received'] = [];
  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://service.invalid');
      if (url.pathname === '/debug/identities') return send(res, 200, received);
      const body = await readBody(req);
      const header = req.headers['madoguchi-identity'];
      const value = Array.isArray(header) ? header[0] : header;
      let identity: CallerIdentity | null = null;
      if (check) {
        const signed = body.length > 0 ? { body } : { method: req.method ?? 'GET', path: url.pathname + url.search };
        identity = await check(value, signed);
      }
      received.push({ header: value !== undefined, identity, claims: claimNames(value), path: url.pathname });
      if (received.length > 100) received.shift();
      const answer = await handle({ method: req.method ?? 'GET', url, headers: req.headers, body, identity });
      send(res, answer.status, answer.body, answer.type);
    } catch (e) {
      if (e instanceof IdentityError) return send(res, 401, { errors: [{ message: e.message }] });
      send(res, 500, { errors: [{ message: 'internal error' }] });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The names of the claims a token carries (what the gateway tells about the caller), unverified. */
function claimNames(token: string | undefined): string[] {
  if (!token) return [];
  try {
    return Object.keys(decodeJwt(token)).sort();
  } catch {
    return [];
  }
}

/** `--name value` pairs of a command line. */
export function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (m && i + 1 < argv.length) out[m[1]] = argv[++i];
  }
  return out;
}

/** `--jwks`: the gateway's key set URL, or a file holding the key set. */
export function jwksOption(value: string): string | { keys: JWK[] } {
  return /^https?:\/\//.test(value) ? value : (JSON.parse(readFileSync(value, 'utf8')) as { keys: JWK[] });
}

/** Runs a service as its own process: prints one JSON line with its URL, stops on SIGTERM/SIGINT. */
export function runAlone(start: () => Promise<RunningLiveService>, what: string): void {
  start().then(
    (running) => {
      console.log(JSON.stringify({ service: what, url: running.url, port: running.port }));
      const stop = () => running.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
