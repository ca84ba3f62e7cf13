/**
 * A small node:http front for Apollo Server, used by the gateway and every subgraph: it bounds
 * the body and how deeply its JSON nests, turns malformed JSON into a 400 instead of a crash, lets
 * callers add routes, look at a GraphQL request before Apollo does (to refuse it) and see the
 * answer after, answers CORS for an allowlist of origins, gives each request an abort signal that
 * fires when its time is up or its client went away (so the work behind it stops), and closes
 * gracefully: new connections are refused while the requests in flight finish, up to a deadline.
 *
 * Hand-written rather than Fastify with Apollo's integration (@as-integrations/fastify), checked
 * against both (issue 27): the integration's handler awaits Apollo's answer and writes the reply
 * itself, so what this front does around Apollo's answer has no place in it — refusing, answering
 * or substituting a persisted document before Apollo parses it (the safelist, `documentId`), racing
 * the execution against the request timeout and aborting the work behind a 504, replacing an answer
 * over the byte bound, handing the complete answer to the response cache, and the status GraphQL
 * over HTTP asks for plain application/json clients. Each would come back as a Fastify hook around
 * the integration, and the timeout as a second reply racing the handler's. What Fastify itself
 * would take over — routing a dozen fixed paths, reading a bounded body, the CORS headers — is
 * about 80 of these lines, and each needs this front's behaviour kept by hand anyway: the errors
 * in GraphQL's shape with a code (Fastify answers its own JSON), a 403 to a preflight from an
 * origin not on the list (@fastify/cors answers it without the headers), and draining that still
 * answers requests on open connections with `connection: close` (Fastify's close answers them 503).
 * executeHTTPGraphQLRequest, which this front calls, is the entry Apollo documents for building an
 * integration; the Fastify integration is twenty lines around the same call.
 */
import { randomUUID } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

export interface Route {
  method: string;
  /** The exact path, or a pattern for paths that carry a parameter (/exports/committee/2026-05.csv). */
  path: string | RegExp;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/** A GraphQL request as it arrived, before Apollo reads it. */
export interface GraphQLHttpRequest {
  raw: IncomingMessage;
  method: string;
  headers: IncomingHttpHeaders;
  /** The document, when one was sent as a string. */
  query: string | undefined;
  /** As sent: parsed objects from a JSON body, JSON strings from a GET's parameters. */
  operationName: unknown;
  variables: unknown;
  extensions: unknown;
  /** A persisted document's id (GraphQL over HTTP, persisted documents), sent instead of `query`. */
  documentId: unknown;
}

/**
 * What a look before Apollo decided: refuse the request, answer it without Apollo, or hand Apollo
 * this document in place of the persisted document the request named.
 */
export type Interception =
  | { kind: 'refuse'; status: number; message: string; code: string }
  | { kind: 'respond'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'substitute'; query: string };

/** What the context factory learns about a request beyond its headers. */
export interface RequestInfo {
  requestId: string;
  /** The body exactly as received ('' for a GET). */
  body: string;
  /** Aborted when the request timed out or its client disconnected: work for it should stop. */
  signal: AbortSignal;
  /** When the request timeout fires (epoch ms); Infinity without one. */
  deadline: number;
}

/** Deepest nesting of arrays and objects accepted in a request's JSON (body, variables, extensions). */
export const MAX_JSON_DEPTH = 64;

export interface ServeOptions<C extends BaseContext> {
  port: number;
  host?: string;
  path?: string;
  maxBodyBytes?: number;
  /** Answer 504 when a request takes longer; 0 disables. */
  requestTimeoutMs?: number;
  /** How long close() waits for requests in flight before cutting connections. */
  shutdownTimeoutMs?: number;
  context: (req: IncomingMessage, info: RequestInfo) => Promise<C> | C;
  routes?: Route[];
  /** Looks at a GraphQL request before Apollo does; null lets it through (may be async). */
  intercept?: (
    request: GraphQLHttpRequest,
  ) => Interception | null | undefined | Promise<Interception | null | undefined>;
  /** Browser origins allowed to call (CORS); others get no CORS header at all. */
  corsOrigins?: readonly string[];
  /** Answers larger than this are replaced by a RESPONSE_TOO_LARGE error; 0 or absent: unbounded. */
  maxResponseBytes?: number;
  /** Sees each complete answer Apollo gave, with the context it ran with. */
  didRespond?: (
    request: GraphQLHttpRequest,
    response: { status: number; headers: Map<string, string>; body: string },
    context: C | undefined,
  ) => void;
  /** Called once per GraphQL request with what metrics and logs need (never its variables). */
  onResponse?: (info: { requestId: string; operationName: string | null; status: number; seconds: number }) => void;
  /** Runs after the server has drained and Apollo has stopped (closing client pools, say). */
  onClose?: () => Promise<void>;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  /** True once close() has begun. */
  readonly draining: boolean;
  /** GraphQL and route requests being answered right now. */
  readonly inFlight: number;
  /** Stops accepting, waits for requests in flight (at most `deadlineMs`), then stops Apollo. */
  close(deadlineMs?: number): Promise<void>;
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

/**
 * Whether parsed JSON nests deeper than `max` arrays and objects. Iterative: JSON.parse builds
 * any depth, but JSON.stringify and many walkers recurse and overflow the stack on it.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** GET parameters that carry JSON, parsed only to check their depth (Apollo parses them itself). */
function getParamsTooDeep(url: URL): boolean {
  for (const name of ['variables', 'extensions']) {
    const raw = url.searchParams.get(name);
    if (!raw) continue;
    try {
      if (nestsDeeperThan(JSON.parse(raw), MAX_JSON_DEPTH)) return true;
    } catch {
      // Not JSON: Apollo refuses it with its own message.
    }
  }
  return false;
}

const CORS_METHODS = 'GET, POST, OPTIONS';
const CORS_HEADERS =
  'authorization, content-type, accept, x-request-id, apollographql-client-name, apollographql-client-version';

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

// Operation names label metrics and logs, so only well-formed names are kept.
function metricsOperationName(name: unknown): string | null {
  return typeof name === 'string' && OPERATION_NAME.test(name) ? name : null;
}

function describeRequest(raw: IncomingMessage, body: unknown, url: URL): GraphQLHttpRequest {
  const method = raw.method ?? 'GET';
  const headers = raw.headers;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    return {
      raw,
      method,
      headers,
      query: typeof b.query === 'string' ? b.query : undefined,
      operationName: b.operationName,
      variables: b.variables,
      extensions: b.extensions,
      documentId: b.documentId,
    };
  }
  if (method === 'GET') {
    const p = url.searchParams;
    return {
      raw,
      method,
      headers,
      query: p.get('query') ?? undefined,
      operationName: p.get('operationName') ?? undefined,
      variables: p.get('variables') ?? undefined,
      extensions: p.get('extensions') ?? undefined,
      documentId: p.get('documentId') ?? undefined,
    };
  }
  return {
    raw,
    method,
    headers,
    query: undefined,
    operationName: undefined,
    variables: undefined,
    extensions: undefined,
    documentId: undefined,
  };
}

/** What each of the parser's refusals is answered with: status, code, what to change. */
const MALFORMED: Record<string, [status: number, code: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'BAD_REQUEST', 'request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'the request was not received in time'],
  HPE_INVALID_URL: [
    400,
    'BAD_REQUEST',
    'the URL holds characters that must be percent-encoded (non-ASCII text such as Japanese, spaces): encode the query string, e.g. with encodeURIComponent or curl --data-urlencode -G',
  ],
};

/**
 * A request Node's HTTP parser refuses (raw non-ASCII bytes in the URL, as a hand-typed
 * `?query={search(text:"創業")…}` sends, oversized headers, broken framing) gets what any other
 * bad request gets: a status and a GraphQL error with a code, saying what to change, instead of
 * Node's bare `400` with no body. Nothing of the request is echoed back.
 */
function answerMalformedRequest(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] = MALFORMED[err.code ?? ''] ?? [400, 'BAD_REQUEST', 'malformed HTTP request'];
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export async function serveApollo<C extends BaseContext>(
  apollo: ApolloServer<C>,
  opts: ServeOptions<C>,
): Promise<RunningServer> {
  const path = opts.path ?? '/graphql';
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (draining && inFlight === 0) drained?.();
    });
    // While draining, a kept-alive connection is not reused: the client reconnects elsewhere.
    if (draining) res.setHeader('connection', 'close');
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && /^[\w.:-]{1,100}$/.test(incomingId) ? incomingId : randomUUID();
    let operationName: string | null = null;
    let isGraphQL = false;
    res.setHeader('x-request-id', requestId);
    // The work behind a request stops when its client goes away before the answer is written.
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client closed the connection'));
    });
    res.once('finish', () => {
      if (opts.onResponse && isGraphQL) {
        opts.onResponse({
          requestId,
          operationName,
          status: res.statusCode,
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
        });
      }
    });
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = opts.routes?.find(
        (r) =>
          (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)) && r.method === req.method,
      );
      if (route) return await route.handle(req, res);
      if (url.pathname !== path) return graphqlError(res, 404, `not found; GraphQL is served at ${path}`, 'NOT_FOUND');
      const origin = req.headers.origin;
      const allowedOrigin = typeof origin === 'string' && opts.corsOrigins?.includes(origin) ? origin : undefined;
      res.setHeader('vary', 'origin');
      if (allowedOrigin) {
        res.setHeader('access-control-allow-origin', allowedOrigin);
        res.setHeader('access-control-expose-headers', 'x-request-id, x-cache');
      }
      if (req.method === 'OPTIONS') {
        // A preflight: answered for listed origins only; others learn nothing and may send nothing.
        if (!allowedOrigin)
          return graphqlError(res, 403, 'this origin may not call the gateway from a browser', 'FORBIDDEN');
        res.writeHead(204, {
          'access-control-allow-methods': CORS_METHODS,
          'access-control-allow-headers': CORS_HEADERS,
          'access-control-max-age': '600',
        });
        return res.end();
      }
      isGraphQL = true;
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      let body: unknown = undefined;
      let rawBody = '';
      if (req.method === 'POST') {
        rawBody = await readBody(req, maxBody);
        const type = headers.get('content-type') ?? '';
        if (type.includes('application/json') || type.includes('application/graphql-response+json')) {
          try {
            body = rawBody.length ? JSON.parse(rawBody) : undefined;
          } catch {
            return graphqlError(res, 400, 'request body is not valid JSON', 'BAD_REQUEST');
          }
        } else {
          body = rawBody;
        }
      }
      if (nestsDeeperThan(body, MAX_JSON_DEPTH) || (req.method === 'GET' && getParamsTooDeep(url))) {
        return graphqlError(res, 400, `request JSON nests deeper than ${MAX_JSON_DEPTH} levels`, 'BAD_REQUEST');
      }
      const request = describeRequest(req, body, url);
      operationName = metricsOperationName(request.operationName);
      const interception = await opts.intercept?.(request);
      if (interception?.kind === 'refuse')
        return graphqlError(res, interception.status, interception.message, interception.code);
      if (interception?.kind === 'respond') {
        for (const [k, v] of Object.entries(interception.headers)) res.setHeader(k, v);
        res.statusCode = interception.status;
        res.end(interception.body);
        return;
      }
      if (interception?.kind === 'substitute') {
        // Apollo sees an ordinary request carrying the registered document.
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          const { documentId: _named, ...rest } = body as Record<string, unknown>;
          body = { ...rest, query: interception.query };
        } else {
          url.searchParams.delete('documentId');
          url.searchParams.set('query', interception.query);
        }
      }
      let contextValue: C | undefined;
      const timeoutMs = opts.requestTimeoutMs ?? 0;
      const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
      const execution = apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () =>
          (contextValue = await opts.context(req, { requestId, body: rawBody, signal: controller.signal, deadline })),
      });
      let timer: NodeJS.Timeout | undefined;
      const response = await (timeoutMs > 0
        ? Promise.race([
            execution,
            new Promise<null>((resolve) => {
              timer = setTimeout(() => resolve(null), timeoutMs);
            }),
          ])
        : execution
      ).finally(() => clearTimeout(timer));
      if (response === null) {
        // The answer is given up on: what still runs for it (subgraph fetches, resolvers) is told to stop.
        controller.abort(new Error(`request took longer than ${timeoutMs} ms`));
        execution.catch(() => {});
        return graphqlError(res, 504, `request took longer than ${timeoutMs} ms`, 'REQUEST_TIMEOUT');
      }
      if (
        response.body.kind === 'complete' &&
        opts.maxResponseBytes &&
        response.body.string.length > opts.maxResponseBytes
      ) {
        return graphqlError(
          res,
          400,
          `the answer would exceed ${opts.maxResponseBytes} bytes: ask for less`,
          'RESPONSE_TOO_LARGE',
        );
      }
      for (const [k, v] of response.headers) res.setHeader(k, v);
      res.statusCode = legacyJsonStatus(
        req.headers.accept,
        response.status ?? 200,
        response.headers.get('content-type'),
      );
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        opts.didRespond?.(
          request,
          { status: res.statusCode, headers: response.headers, body: response.body.string },
          contextValue,
        );
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (e) {
      if (e instanceof BodyTooLarge)
        return graphqlError(res, 413, `request body exceeds ${maxBody} bytes`, 'PAYLOAD_TOO_LARGE');
      if (!res.headersSent) graphqlError(res, 500, 'internal error', 'INTERNAL_SERVER_ERROR');
      else res.end();
    }
  });
  server.on('clientError', answerMalformedRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : 'localhost';
  let closing: Promise<void> | undefined;

  const close = (deadlineMs = opts.shutdownTimeoutMs ?? 10_000): Promise<void> =>
    (closing ??= (async () => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle kept-alive connections go now; busy ones once their response is written.
      server.closeIdleConnections();
      if (inFlight > 0) {
        let deadline: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => (deadline = setTimeout(resolve, deadlineMs))),
        ]);
        clearTimeout(deadline);
      }
      server.closeIdleConnections();
      // Past the deadline, whatever is still open is cut.
      server.closeAllConnections();
      await closed;
      await apollo.stop();
      await opts.onClose?.();
    })());

  return {
    url: `http://${host === '127.0.0.1' ? '127.0.0.1' : host}:${port}${path}`,
    port,
    server,
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    close,
  };
}
