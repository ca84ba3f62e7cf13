/**
 * A small node:http front for Apollo Server, used by the gateway and every subgraph: it bounds
 * the body, turns malformed JSON into a 400 instead of a crash, and lets callers add routes.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

export interface Route {
  method: string;
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export interface ServeOptions<C extends BaseContext> {
  port: number;
  host?: string;
  path?: string;
  maxBodyBytes?: number;
  /** Answer 504 when a request takes longer; 0 disables. */
  requestTimeoutMs?: number;
  context: (req: IncomingMessage, info: { requestId: string }) => Promise<C> | C;
  routes?: Route[];
  /** Checks a query before Apollo sees it; a returned refusal is answered 400 with its code. */
  preflight?: (query: string) => { message: string; code: string } | null;
  /** Called once per GraphQL request with what metrics and logs need (never its variables). */
  onResponse?: (info: { requestId: string; operationName: string | null; status: number; seconds: number }) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export function graphqlError(res: ServerResponse, status: number, message: string, code: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

/**
 * GraphQL over HTTP: a client asking for plain application/json (and not the newer
 * application/graphql-response+json) gets request errors — parse, validation, variables — with
 * status 200 and the errors in the body, as that media type's clients expect.
 */
function legacyJsonStatus(accept: string | undefined, status: number, contentType: string | undefined): number {
  if (status !== 400 || !accept || !contentType?.startsWith('application/json')) return status;
  const wants = accept.split(',').map((t) => t.split(';')[0].trim());
  return wants.includes('application/json') && !wants.includes('application/graphql-response+json') ? 200 : status;
}

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

// Operation names label metrics and logs, so only well-formed names are kept.
function pickOperationName(body: unknown, url: URL): string | null {
  const fromBody = body && typeof body === 'object' && !Array.isArray(body) ? (body as { operationName?: unknown }).operationName : undefined;
  const name = typeof fromBody === 'string' ? fromBody : url.searchParams.get('operationName');
  return name && OPERATION_NAME.test(name) ? name : null;
}

export async function serveApollo<C extends BaseContext>(apollo: ApolloServer<C>, opts: ServeOptions<C>): Promise<RunningServer> {
  const path = opts.path ?? '/graphql';
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && /^[\w.:-]{1,100}$/.test(incomingId) ? incomingId : randomUUID();
    let operationName: string | null = null;
    res.setHeader('x-request-id', requestId);
    res.once('finish', () => {
      if (opts.onResponse && new URL(req.url ?? '/', 'http://localhost').pathname === path) {
        opts.onResponse({ requestId, operationName, status: res.statusCode, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
      }
    });
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = opts.routes?.find((r) => r.path === url.pathname && r.method === req.method);
      if (route) return await route.handle(req, res);
      if (url.pathname !== path) return graphqlError(res, 404, `not found; GraphQL is served at ${path}`, 'NOT_FOUND');
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      let body: unknown = undefined;
      if (req.method === 'POST') {
        const raw = await readBody(req, maxBody);
        const type = headers.get('content-type') ?? '';
        if (type.includes('application/json') || type.includes('application/graphql-response+json')) {
          try {
            body = raw.length ? JSON.parse(raw) : undefined;
          } catch {
            return graphqlError(res, 400, 'request body is not valid JSON', 'BAD_REQUEST');
          }
        } else {
          body = raw;
        }
      }
      operationName = pickOperationName(body, url);
      const query = body && typeof body === 'object' && !Array.isArray(body) ? (body as { query?: unknown }).query : url.searchParams.get('query');
      const refusal = typeof query === 'string' ? opts.preflight?.(query) : null;
      if (refusal) return graphqlError(res, 400, refusal.message, refusal.code);
      const execution = apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: () => Promise.resolve(opts.context(req, { requestId })),
      });
      let timer: NodeJS.Timeout | undefined;
      const timeoutMs = opts.requestTimeoutMs ?? 0;
      const response = await (timeoutMs > 0
        ? Promise.race([
            execution,
            new Promise<null>((resolve) => {
              timer = setTimeout(() => resolve(null), timeoutMs);
            }),
          ])
        : execution).finally(() => clearTimeout(timer));
      if (response === null) {
        execution.catch(() => {});
        return graphqlError(res, 504, `request took longer than ${timeoutMs} ms`, 'REQUEST_TIMEOUT');
      }
      for (const [k, v] of response.headers) res.setHeader(k, v);
      res.statusCode = legacyJsonStatus(req.headers.accept, response.status ?? 200, response.headers.get('content-type'));
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (e) {
      if (e instanceof BodyTooLarge) return graphqlError(res, 413, `request body exceeds ${maxBody} bytes`, 'PAYLOAD_TOO_LARGE');
      if (!res.headersSent) graphqlError(res, 500, 'internal error', 'INTERNAL_SERVER_ERROR');
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : 'localhost';
  return {
    url: `http://${host === '127.0.0.1' ? '127.0.0.1' : host}:${port}${path}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }).then(() => apollo.stop()),
  };
}
