/**
 * A small node:http front for Apollo Server, used by the gateway and every subgraph: it bounds
 * the body, turns malformed JSON into a 400 instead of a crash, and lets callers add routes.
 */
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
  context: (req: IncomingMessage) => Promise<C> | C;
  routes?: Route[];
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

export async function serveApollo<C extends BaseContext>(apollo: ApolloServer<C>, opts: ServeOptions<C>): Promise<RunningServer> {
  const path = opts.path ?? '/graphql';
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const server = createServer(async (req, res) => {
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
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: () => Promise.resolve(opts.context(req)),
      });
      for (const [k, v] of response.headers) res.setHeader(k, v);
      res.statusCode = response.status ?? 200;
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
