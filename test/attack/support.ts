import { fetch } from 'undici';
import { type Embedded, type EmbeddedOptions } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { startDemo } from '../support/demo';

export const JWT_SECRET = new TextEncoder().encode('attack-suite-jwt-secret-of-enough-length');

export type Result = {
  status: number;
  headers: Headers;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  text: string;
};

export interface App {
  app: Embedded;
  url: string;
  base: string;
  tokens: Record<'anonymous' | 'staffIac' | 'staffCgc' | 'coordinator' | 'analyst', string | null>;
  /** Requests the gateway has sent each subgraph so far. */
  subgraphRequests(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startApp(options: Partial<EmbeddedOptions> = {}): Promise<App> {
  const app = await startDemo({
    auth: { secret: JWT_SECRET },
    ...options,
  });
  const base = `http://127.0.0.1:${app.gateway.port}`;
  const sign = (claims: Parameters<typeof signDevelopmentToken>[0]) => signDevelopmentToken(claims, JWT_SECRET);
  return {
    app,
    url: `${base}/graphql`,
    base,
    tokens: {
      anonymous: null,
      staffIac: await sign({ role: 'staff', agency: 'hyogo-iac' }),
      staffCgc: await sign({ role: 'staff', agency: 'hyogo-cgc' }),
      coordinator: await sign({ role: 'coordinator' }),
      analyst: await sign({ role: 'analyst' }),
    },
    async subgraphRequests() {
      const text = await (await fetch(`${base}/metrics`)).text();
      const counts: Record<string, number> = {};
      for (const name of Object.keys(app.subgraphs)) {
        const m = new RegExp(`^madoguchi_subgraph_requests_total\\{subgraph="${name}"\\} (\\d+)`, 'm').exec(text);
        counts[name] = m ? Number(m[1]) : 0;
      }
      return counts;
    },
    close: () => app.close(),
  };
}

export async function post(
  url: string,
  body: unknown,
  token?: string | null,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Result> {
  const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: h,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: object = {};
  try {
    json = JSON.parse(text);
  } catch {
    json = {};
  }
  return { status: res.status, headers: res.headers as unknown as Headers, text, ...json };
}

export function gql(
  app: App,
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = null,
  extra: Record<string, unknown> = {},
): Promise<Result> {
  return post(app.url, { query, variables, ...extra }, token);
}

/**
 * Marks a source failed as the sync would (store/ingest.ts markFailed), through the embedded
 * store's query interface, which is all the gateway's thread has.
 */
export async function markSourceFailed(app: App, sourceId: string, at: string, error: string): Promise<void> {
  await app.app.store.query(
    `update sources set status = 'FAILED', stale = (last_success_at is not null), last_attempt_at = $2, last_error = $3 where id = $1`,
    [sourceId, at, error],
  );
}

/** The first error's code, or undefined. */
export const codeOf = (r: Result) => r.errors?.[0]?.extensions?.code as string | undefined;
