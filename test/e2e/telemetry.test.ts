/**
 * OpenTelemetry as an operator turns it on: `OTEL_EXPORTER_OTLP_ENDPOINT=… npm start`, exporting to
 * a real OTLP/HTTP receiver this test runs (JSON, then protobuf). One GraphQL request yields one
 * trace holding the gateway's spans (its request, the query plan, the subgraph fetches) and the
 * subgraphs' spans (their HTTP server span, resolvers, store queries) under their own service
 * name, joined by the W3C traceparent the gateway sent; sync runs have spans with their agency
 * fetches below them.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { openStore } from '../../store/store';
import { CACHE_DIR, ROOT } from '../support/paths';

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
}

/** The OTLP/HTTP trace receiver: decodes JSON or protobuf export requests into flat spans. */
function startReceiver(): Promise<{ server: Server; url: string; spans: Span[]; contentTypes: Set<string> }> {
  const spans: Span[] = [];
  const contentTypes = new Set<string>();
  // The generated OTLP protobuf classes that the exporter encodes with, used here to decode.
  const proto = require('@opentelemetry/otlp-transformer/build/src/generated/root') as {
    opentelemetry: {
      proto: {
        collector: {
          trace: {
            v1: {
              ExportTraceServiceRequest: { decode(b: Uint8Array): unknown; toObject(m: unknown, o: object): unknown };
            };
          };
        };
      };
    };
  };
  const Request = proto.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
  const hex = (v: unknown) =>
    typeof v === 'string'
      ? /^[0-9a-f]*$/.test(v)
        ? v
        : Buffer.from(v, 'base64').toString('hex')
      : Buffer.from(v as Uint8Array).toString('hex');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const type = String(req.headers['content-type']);
      contentTypes.add(type);
      const message = (
        type.includes('json')
          ? JSON.parse(body.toString('utf8'))
          : Request.toObject(Request.decode(body), { longs: String, bytes: String })
      ) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
          scopeSpans: Array<{
            spans: Array<{ traceId: unknown; spanId: unknown; parentSpanId?: unknown; name: string; kind: number }>;
          }>;
        }>;
      };
      for (const rs of message.resourceSpans ?? []) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            spans.push({
              service,
              traceId: hex(s.traceId),
              spanId: hex(s.spanId),
              parentSpanId: s.parentSpanId ? hex(s.parentSpanId) : '',
              name: s.name,
              kind: Number(s.kind),
            });
      }
      res.writeHead(200, { 'content-type': type.includes('json') ? 'application/json' : 'application/x-protobuf' });
      res.end(type.includes('json') ? '{}' : '');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, contentTypes }),
    ),
  );
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(['http/json', 'http/protobuf'])('OTEL_EXPORTER_OTLP_PROTOCOL=%s npm start', (protocol) => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let child: ReturnType<typeof spawn>;
  let url: string;
  let out = '';
  const base = mkdtempSync(join(tmpdir(), 'madoguchi-otel-'));

  beforeAll(async () => {
    receiver = await startReceiver();
    const dataDir = join(base, 'data');
    const prepared = await openStore({
      dataDir,
      loadFrom: new Blob([readFileSync(join(CACHE_DIR, 'demo-store.tar'))]),
    });
    await prepared.close();
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
    for (const k of Object.keys(env))
      if (k.startsWith('MADOGUCHI_') || k.startsWith('OTEL_') || k.startsWith('npm_')) delete env[k];
    child = spawn('sh', ['-c', scripts.start], {
      cwd: ROOT,
      detached: true,
      env: {
        ...env,
        DATABASE_URL: '',
        PORT: '0',
        HOST: '127.0.0.1',
        MADOGUCHI_DATA_DIR: dataDir,
        MADOGUCHI_CONSULTATION_DIR: join(CACHE_DIR, 'consultations'),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c) => (out += String(c)));
    child.stderr!.on('data', (c) => (out += String(c)));
    url = await until('the start', () => /ready in [\d.]+ s: (http:\/\/[^\s"]+)/.exec(out)?.[1], 120_000);
  }, 150_000);

  afterAll(async () => {
    if (child?.exitCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    receiver?.server.close();
    rmSync(base, { recursive: true, force: true });
  });

  test('the start line says where traces go', () => {
    const line = JSON.parse(out.split('\n').find((l) => l.includes('madoguchi embedded starting'))!);
    expect(line.traces).toBe(`${receiver.url}/v1/traces (${protocol})`);
  });

  test('one request is one trace with the gateway’s and a subgraph’s spans', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ organizations { id name programs { id title } } }' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { organizations: unknown[] } }).data.organizations.length).toBeGreaterThan(0);
    const plan = await until('the gateway’s planning span', () =>
      receiver.spans.find((s) => s.service === 'madoguchi-gateway' && s.name === 'gateway.plan'),
    );
    const inTrace = () => receiver.spans.filter((s) => s.traceId === plan.traceId);
    // Spans arrive in batches as they end: the request's own span ends last.
    await until('the whole trace', () => {
      const t = inTrace();
      return (
        (t.some((s) => s.name === 'pglite.query') &&
          t.some((s) => s.name === 'gateway.request') &&
          t.some((s) => s.service === 'madoguchi-gateway' && s.kind === 2)) ||
        undefined
      );
    });
    await new Promise((r) => setTimeout(r, 1000));
    const trace = inTrace();
    const names = (service: string) => new Set(trace.filter((s) => s.service === service).map((s) => s.name));
    // Gateway: the incoming request, Apollo's request and plan, a fetch per subgraph.
    expect([...names('madoguchi-gateway')]).toEqual(
      expect.arrayContaining(['gateway.request', 'gateway.plan', 'gateway.fetch']),
    );
    // Subgraphs: their server spans, resolvers and store queries, in the same trace.
    expect([...names('madoguchi-subgraphs')]).toEqual(expect.arrayContaining(['pglite.query']));
    expect(trace.some((s) => s.service === 'madoguchi-subgraphs' && s.kind === 2 /* SERVER */)).toBe(true);
    expect(trace.some((s) => s.service === 'madoguchi-subgraphs' && /^graphql\./.test(s.name))).toBe(true);
    // Joined by traceparent: a subgraph's server span has a gateway client span as its parent.
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const server = trace.find((s) => s.service === 'madoguchi-subgraphs' && s.kind === 2)!;
    expect(byId.get(server.parentSpanId)).toMatchObject({ service: 'madoguchi-gateway', kind: 3 /* CLIENT */ });
    // One root: the gateway's incoming request.
    expect(trace.filter((s) => !s.parentSpanId || !byId.has(s.parentSpanId))).toHaveLength(1);
    expect(receiver.contentTypes).toEqual(
      new Set([protocol === 'http/json' ? 'application/json' : 'application/x-protobuf']),
    );
  });

  test('sync runs have spans, with their agency fetches below them', async () => {
    const sync = await until('a sync span', () =>
      receiver.spans.find(
        (s) => s.name.startsWith('sync ') && receiver.spans.some((c) => c.parentSpanId === s.spanId && c.kind === 3),
      ),
    );
    expect(sync.service).toBe('madoguchi-subgraphs');
  });
});
