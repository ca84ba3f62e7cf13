/**
 * Every setting of every Madoguchi process, declared once: its environment name, what it
 * expects (a zod schema over the variable's text), its default and a description. The entry
 * points (app/) parse the environment once — the process's own variables over an optional `.env`
 * file — and pass the result down; nothing else reads `process.env`. The same declarations make
 * docs/configuration.md and .env.example (`npm run settings:docs`, drift-checked by a test) and
 * the start line each process logs.
 *
 * Adding a setting is one entry in SETTINGS below: a name, a kind from `kinds`, its variable, its
 * default and its description; the value is then `settings.<name>` wherever the settings are
 * passed, and the docs are regenerated with `npm run settings:docs`.
 *
 * A bad value stops the start before anything is written, naming the variable and what it
 * expects (a secret's value is never echoed); an unknown MADOGUCHI_* variable is reported with
 * the closest known name. Development secrets are random per install (server/secrets.ts) and
 * refused in production.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { ensureDevelopmentSecrets, isLoopback, SettingsError } from './secrets';

export { ensureDevelopmentSecrets, isLoopback, SettingsError, type DevelopmentSecrets } from './secrets';

export type Mode = 'development' | 'production';

/** How a variable's text is read: a zod schema from the text to the value, and what it expects in words. */
export interface Kind<T> {
  schema: z.ZodType<T, string>;
  expects: string;
}

function kind<T>(expects: string, schema: z.ZodType<T, string>): Kind<T> {
  return { expects, schema };
}

/** Refines a text into a value, or reports what was expected. */
function readAs<T>(expects: string, read: (text: string) => T | undefined): Kind<T> {
  return kind(
    expects,
    z.string().transform((text, ctx) => {
      const value = read(text);
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: expects });
        return z.NEVER;
      }
      return value;
    }),
  );
}

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  on: true,
  off: false,
  yes: true,
  no: false,
};

/** The kinds of value settings take; each says what it expects in the error a bad value gets. */
export const kinds = {
  boolean: () => readAs('true/false, 1/0, on/off or yes/no', (t) => BOOLEAN_WORDS[t.toLowerCase()]),
  integer: (min = 0, max = Number.MAX_SAFE_INTEGER) =>
    readAs(
      max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`,
      (t) => {
        if (!/^\d+$/.test(t)) return undefined;
        const n = Number(t);
        return n >= min && n <= max ? n : undefined;
      },
    ),
  number: (min = 0) =>
    readAs(`a number of at least ${min}`, (t) => {
      const n = /^\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
      return n >= min ? n : undefined;
    }),
  /** Seconds, from 90, "90s", "15m", "8h" or "1d". */
  duration: () =>
    readAs('a duration such as 300, 15m, 8h or 1d', (t) => {
      const m = /^(\d+)\s*([smhd]?)$/.exec(t);
      return m ? Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2]]! : undefined;
    }),
  text: (pattern?: RegExp, expects = 'a non-empty text') =>
    readAs(expects, (t) => (t !== '' && (!pattern || pattern.test(t)) ? t : undefined)),
  choice: <const C extends string>(choices: readonly C[]) =>
    readAs(`one of ${choices.join(', ')}`, (t) => choices.find((c) => c === t.toLowerCase())),
  url: (protocols: string[], example: string) =>
    readAs(`a URL such as ${example}`, (t) => {
      try {
        return protocols.includes(new URL(t).protocol) ? t : undefined;
      } catch {
        return undefined;
      }
    }),
  /** At least 32 characters; never echoed back in an error. */
  secret: () => readAs('at least 32 characters', (t) => (t.length >= 32 ? t : undefined)),
  /** Comma-separated, each item read by `item`; spaces around items are dropped. */
  list: <T>(item: Kind<T>) =>
    readAs(`a comma-separated list, each ${item.expects}`, (t) => {
      const out: T[] = [];
      for (const part of t
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const r = item.schema.safeParse(part);
        if (!r.success) return undefined;
        out.push(r.data);
      }
      return out;
    }),
  /** A whole number, or `auto` for what this machine suggests (resolved by the user of the value). */
  countOrAuto: () =>
    readAs('a whole number or auto', (t) =>
      t.toLowerCase() === 'auto' ? 'auto' : /^\d+$/.test(t) ? Number(t) : undefined,
    ),
};

/** A browser origin: scheme, host and port only. */
const originKind = readAs('an origin such as https://portal.example.jp (scheme, host and port only, no path)', (t) => {
  try {
    const u = new URL(t);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === t ? t : undefined;
  } catch {
    return undefined;
  }
});

/** A dotted path into a token's claims, e.g. `role` or `realm_access.roles`. */
const claimPath = kinds.text(
  /^[A-Za-z0-9_:\-/]+(\.[A-Za-z0-9_:\-/]+)*$/,
  'a claim name or dotted path such as realm_access.roles',
);

/** An IPv4/IPv6 address or CIDR range, or `loopback`. */
const proxyAddress = kinds.text(
  /^(loopback|[0-9a-fA-F:.]+(\/\d{1,3})?)$/,
  'an IP address, a CIDR range such as 10.0.0.0/8, or loopback',
);

export type Group =
  | 'Start and store'
  | 'Security'
  | 'Request limits'
  | 'Gateway'
  | 'Subgraph fetching'
  | 'Response cache'
  | 'Shared cache (Redis)'
  | 'Sync'
  | 'Desk and webhooks'
  | 'Logs and traces'
  | 'Demo';

export interface Setting<T = unknown, Required extends boolean = boolean> {
  /** The environment variable; for a family, its pattern with <NAME> in place of the varying part. */
  env: string;
  kind: Kind<T>;
  /** The text the value is read from when the variable is unset or empty (per mode when it depends on it). */
  default?: string | ((mode: Mode) => string);
  /** How the default reads in the docs, when it is not a plain text (computed ones). */
  defaultDoc?: string;
  doc: string;
  group: Group;
  /** A secret: never echoed, never written into .env.example with a value. */
  secret?: boolean;
  /** A family of variables (`SUBGRAPH_<NAME>_URL`): the value maps each lowercased name to its value. */
  family?: RegExp;
  /** A value for .env.example when the default is empty (commented out there). */
  example?: string;
  /** Marks whether a value always exists (has a default); not set by hand. */
  readonly required?: Required;
}

function setting<T>(s: Setting<T> & { family: RegExp }): Setting<T, false> & { family: RegExp };
function setting<T>(s: Setting<T> & { default: string | ((mode: Mode) => string) }): Setting<T, true>;
function setting<T>(s: Setting<T>): Setting<T, false>;
function setting<T>(s: Setting<T>): Setting<T> {
  return s;
}

/** Every setting. One entry per setting: see the header for how to add one. */
export const SETTINGS = {
  // Start and store
  nodeEnv: setting({
    env: 'NODE_ENV',
    kind: kinds.text(),
    default: 'development',
    group: 'Start and store',
    doc: 'production runs the compiled build, refuses development secrets and turns the demo and open introspection off; anything else is development.',
  }),
  host: setting({
    env: 'HOST',
    kind: kinds.text(),
    default: '127.0.0.1',
    group: 'Start and store',
    doc: 'Address to listen on. Anything beyond loopback needs real secrets (MADOGUCHI_JWKS_URL or MADOGUCHI_JWT_SECRET, and MADOGUCHI_IDENTITY_SECRET).',
  }),
  port: setting({
    env: 'PORT',
    kind: kinds.integer(0, 65535),
    default: '4000',
    group: 'Start and store',
    doc: 'Port of the gateway (`npm start`, `npm run start:gateway`).',
  }),
  subgraphPort: setting({
    env: 'SUBGRAPH_PORT',
    kind: kinds.integer(0, 65535),
    defaultDoc: "the subgraph's port in the supergraph (4001–4004)",
    group: 'Start and store',
    doc: 'Port of a subgraph started alone (`npm run start:subgraph -- <name>`); its `--port` flag wins.',
  }),
  dataDir: setting({
    env: 'MADOGUCHI_DATA_DIR',
    kind: kinds.text(),
    default: '.data',
    group: 'Start and store',
    doc: 'Folder of the embedded store (PGlite) and of the per-install development secrets.',
  }),
  databaseUrl: setting({
    env: 'DATABASE_URL',
    kind: kinds.url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/madoguchi'),
    group: 'Start and store',
    example: 'postgres://madoguchi:change-me@127.0.0.1:5432/madoguchi',
    doc: 'A PostgreSQL server (15 or later) instead of the embedded store; every process given the same URL shares its data.',
  }),
  pgPoolSize: setting({
    env: 'MADOGUCHI_PG_POOL_SIZE',
    kind: kinds.integer(1, 1000),
    default: '10',
    group: 'Start and store',
    doc: 'Connections each process keeps to PostgreSQL.',
  }),
  agenciesDir: setting({
    env: 'MADOGUCHI_AGENCIES_DIR',
    kind: kinds.text(),
    default: 'agencies',
    group: 'Start and store',
    doc: 'Folder of the agency files (one YAML per agency).',
  }),
  // Security
  jwtSecret: setting({
    env: 'MADOGUCHI_JWT_SECRET',
    kind: kinds.secret(),
    secret: true,
    group: 'Security',
    defaultDoc: 'a per-install development secret (development only)',
    doc: "HS256 secret callers' tokens are signed with. Give this or MADOGUCHI_JWKS_URL in production.",
  }),
  jwksUrl: setting({
    env: 'MADOGUCHI_JWKS_URL',
    kind: kinds.url(['https:', 'http:'], 'https://idp.example.jp/.well-known/jwks.json'),
    group: 'Security',
    doc: "The identity provider's JSON Web Key Set: tokens are verified with its keys (then MADOGUCHI_JWT_SECRET is ignored).",
  }),
  jwtIssuer: setting({
    env: 'MADOGUCHI_JWT_ISSUER',
    kind: kinds.text(),
    default: 'madoguchi',
    group: 'Security',
    doc: 'The `iss` every token must carry.',
  }),
  jwtAudience: setting({
    env: 'MADOGUCHI_JWT_AUDIENCE',
    kind: kinds.text(),
    default: 'madoguchi',
    group: 'Security',
    doc: 'The `aud` every token must carry.',
  }),
  jwtRoleClaim: setting({
    env: 'MADOGUCHI_JWT_ROLE_CLAIM',
    kind: claimPath,
    default: 'role',
    group: 'Security',
    doc: 'Dotted path to the role claim (a string, or an array holding one of staff, coordinator, analyst), e.g. realm_access.roles.',
  }),
  jwtAgencyClaim: setting({
    env: 'MADOGUCHI_JWT_AGENCY_CLAIM',
    kind: claimPath,
    default: 'agency',
    group: 'Security',
    doc: "Dotted path to a staff token's agency id.",
  }),
  jwtMaxLifetime: setting({
    env: 'MADOGUCHI_JWT_MAX_LIFETIME',
    kind: kinds.duration(),
    default: '1d',
    group: 'Security',
    doc: 'Longest validity a token may claim (exp − iat).',
  }),
  jwtClockSkew: setting({
    env: 'MADOGUCHI_JWT_CLOCK_SKEW',
    kind: kinds.duration(),
    default: '60',
    group: 'Security',
    doc: "Tolerated difference between the issuer's clock and this one.",
  }),
  identitySecret: setting({
    env: 'MADOGUCHI_IDENTITY_SECRET',
    kind: kinds.secret(),
    secret: true,
    group: 'Security',
    defaultDoc: 'a per-install development secret (development only)',
    doc: 'Signs the identity the gateway forwards to the subgraphs; every gateway and subgraph process of one deployment needs the same value.',
  }),
  corsOrigins: setting({
    env: 'MADOGUCHI_CORS_ORIGINS',
    kind: kinds.list(originKind),
    default: '',
    group: 'Security',
    example: 'https://portal.example.jp',
    doc: 'Browser origins (comma-separated) allowed to call the graph; none by default.',
  }),
  introspection: setting({
    env: 'MADOGUCHI_INTROSPECTION',
    kind: kinds.choice(['everyone', 'signed-in', 'nobody'] as const),
    default: (mode) => (mode === 'production' ? 'signed-in' : 'everyone'),
    defaultDoc: 'everyone in development, signed-in in production',
    group: 'Security',
    doc: 'Who may introspect the schema and use /explorer: everyone, signed-in (staff, analyst and coordinator tokens) or nobody.',
  }),
  trustedProxies: setting({
    env: 'MADOGUCHI_TRUSTED_PROXIES',
    kind: kinds.list(proxyAddress),
    default: '',
    group: 'Security',
    example: 'loopback',
    doc: 'Reverse proxies whose X-Forwarded-For/-Proto are believed (addresses, CIDR ranges or loopback); from anyone else those headers are ignored.',
  }),
  analystCellsPerDay: setting({
    env: 'MADOGUCHI_ANALYST_CELLS_PER_DAY',
    kind: kinds.integer(1),
    default: '50000',
    group: 'Security',
    doc: "Statistics cells one analyst may be shown within the budget's window (the bound that keeps perturbed statistics safe); tables already asked are free.",
  }),
  analystBudgetWindowHours: setting({
    env: 'MADOGUCHI_ANALYST_BUDGET_WINDOW_HOURS',
    kind: kinds.integer(1),
    default: '24',
    group: 'Security',
    doc: "The analysts' budget's sliding window, in hours.",
  }),
  subgraphAllowUnsigned: setting({
    env: 'MADOGUCHI_SUBGRAPH_ALLOW_UNSIGNED',
    kind: kinds.boolean(),
    default: 'off',
    group: 'Security',
    doc: "A subgraph takes requests without the gateway's signed identity (as anonymous): local development only, refused with NODE_ENV=production.",
  }),
  metricsToken: setting({
    env: 'MADOGUCHI_METRICS_TOKEN',
    kind: readAs('at least 16 characters', (t) => (t.length >= 16 ? t : undefined)),
    secret: true,
    group: 'Security',
    defaultDoc: 'none: /metrics open in development, closed in production',
    doc: '/metrics answers only `Authorization: Bearer <token>`; in production without it /metrics is closed.',
  }),
  // Request limits
  maxDepth: setting({
    env: 'MADOGUCHI_MAX_DEPTH',
    kind: kinds.integer(1),
    default: '12',
    group: 'Request limits',
    doc: 'Deepest selection a query may nest.',
  }),
  maxAliases: setting({
    env: 'MADOGUCHI_MAX_ALIASES',
    kind: kinds.integer(1),
    default: '30',
    group: 'Request limits',
    doc: 'Aliases in one query.',
  }),
  maxTokens: setting({
    env: 'MADOGUCHI_MAX_TOKENS',
    kind: kinds.integer(1),
    default: '3000',
    group: 'Request limits',
    doc: 'Tokens in one query document.',
  }),
  maxQueryBytes: setting({
    env: 'MADOGUCHI_MAX_QUERY_BYTES',
    kind: kinds.integer(1),
    default: '32768',
    group: 'Request limits',
    doc: "Bytes of one query's text, comments and whitespace included.",
  }),
  maxCost: setting({
    env: 'MADOGUCHI_MAX_COST',
    kind: kinds.integer(1),
    default: '20000',
    group: 'Request limits',
    doc: 'Estimated cost (list sizes counted) of one anonymous query; staff get 2×, coordinators 5×.',
  }),
  maxObjects: setting({
    env: 'MADOGUCHI_MAX_OBJECTS',
    kind: kinds.integer(1),
    default: '250000',
    group: 'Request limits',
    doc: 'Objects one request may produce.',
  }),
  maxResponseBytes: setting({
    env: 'MADOGUCHI_MAX_RESPONSE_BYTES',
    kind: kinds.integer(1),
    default: '33554432',
    group: 'Request limits',
    doc: 'Bytes one response may reach.',
  }),
  maxBodyBytes: setting({
    env: 'MADOGUCHI_MAX_BODY_BYTES',
    kind: kinds.integer(1),
    default: '1048576',
    group: 'Request limits',
    doc: 'Bytes of one request body.',
  }),
  requestTimeoutMs: setting({
    env: 'MADOGUCHI_REQUEST_TIMEOUT_MS',
    kind: kinds.integer(1),
    default: '30000',
    group: 'Request limits',
    doc: 'Time one request may take, in milliseconds.',
  }),
  // Gateway
  gatewayWorkers: setting({
    env: 'GATEWAY_WORKERS',
    kind: kinds.countOrAuto(),
    default: '1',
    group: 'Gateway',
    doc: '`npm run start:gateway` as this many processes sharing the port (auto: one per core).',
  }),
  subgraphUrls: setting({
    env: 'SUBGRAPH_<NAME>_URL',
    family: /^SUBGRAPH_([A-Z0-9_]+)_URL$/,
    kind: kinds.list(kinds.url(['http:', 'https:'], 'http://10.0.0.5:4002/graphql')),
    group: 'Gateway',
    defaultDoc: "the supergraph's URL for each subgraph",
    example: 'http://127.0.0.1:4002/graphql',
    doc: 'Where the gateway reaches subgraph NAME (e.g. SUBGRAPH_PROGRAMS_URL); several replicas comma-separated.',
  }),
  safelist: setting({
    env: 'MADOGUCHI_SAFELIST',
    kind: kinds.boolean(),
    default: 'off',
    group: 'Gateway',
    doc: 'Run registered (persisted) operations only.',
  }),
  shutdownTimeoutMs: setting({
    env: 'MADOGUCHI_SHUTDOWN_TIMEOUT_MS',
    kind: kinds.integer(0),
    default: '10000',
    group: 'Gateway',
    doc: 'How long a stopping process lets requests in flight finish, in milliseconds.',
  }),
  documentCacheMiB: setting({
    env: 'MADOGUCHI_DOCUMENT_CACHE_MIB',
    kind: kinds.number(0),
    default: '30',
    group: 'Gateway',
    doc: 'Memory for parsed and validated documents, in MiB.',
  }),
  queryPlanCacheMiB: setting({
    env: 'MADOGUCHI_QUERY_PLAN_CACHE_MIB',
    kind: kinds.number(0),
    default: '30',
    group: 'Gateway',
    doc: 'Memory for query plans, in MiB.',
  }),
  apqCacheMiB: setting({
    env: 'MADOGUCHI_APQ_CACHE_MIB',
    kind: kinds.number(0),
    default: '16',
    group: 'Gateway',
    doc: 'Memory for queries clients register (automatic persisted queries), in MiB.',
  }),
  apqRegistration: setting({
    env: 'MADOGUCHI_APQ_REGISTRATION',
    kind: kinds.choice(['open', 'safelist'] as const),
    default: (mode) => (mode === 'production' ? 'safelist' : 'open'),
    defaultDoc: 'open in development, safelist in production',
    group: 'Gateway',
    doc: 'Who may register a persisted query: open (any query) or safelist (only the registered operations).',
  }),
  publicUrl: setting({
    env: 'MADOGUCHI_PUBLIC_URL',
    kind: kinds.url(['https:', 'http:'], 'https://madoguchi.example.jp'),
    group: 'Gateway',
    defaultDoc: "the request's own host",
    doc: 'The address people reach the gateway at, for the links in feeds and calendars.',
  }),
  apolloTelemetryDisabled: setting({
    env: 'APOLLO_TELEMETRY_DISABLED',
    kind: kinds.boolean(),
    default: 'true',
    group: 'Gateway',
    doc: 'Keeps @apollo/gateway from reporting usage to Apollo and probing cloud metadata addresses; false lets it.',
  }),
  // Subgraph fetching
  subgraphTimeoutMs: setting({
    env: 'MADOGUCHI_SUBGRAPH_TIMEOUT_MS',
    kind: kinds.integer(1),
    default: '10000',
    group: 'Subgraph fetching',
    doc: 'Time one attempt at a subgraph may take, in milliseconds (also what a subgraph lets one request run).',
  }),
  subgraphConnections: setting({
    env: 'MADOGUCHI_SUBGRAPH_CONNECTIONS',
    kind: kinds.integer(1),
    default: '64',
    group: 'Subgraph fetching',
    doc: 'Connections the gateway keeps to each subgraph.',
  }),
  subgraphDedup: setting({
    env: 'MADOGUCHI_SUBGRAPH_DEDUP',
    kind: kinds.boolean(),
    default: 'on',
    group: 'Subgraph fetching',
    doc: 'Merge identical subgraph requests in flight (never for audited reads).',
  }),
  subgraphRetries: setting({
    env: 'MADOGUCHI_SUBGRAPH_RETRIES',
    kind: kinds.integer(0, 10),
    default: '1',
    group: 'Subgraph fetching',
    doc: 'Retries of a failed idempotent subgraph request (within a retry budget).',
  }),
  breakerThreshold: setting({
    env: 'MADOGUCHI_BREAKER_THRESHOLD',
    kind: kinds.integer(1),
    default: '5',
    group: 'Subgraph fetching',
    doc: 'Consecutive failures that open the circuit to a subgraph.',
  }),
  breakerOpenMs: setting({
    env: 'MADOGUCHI_BREAKER_OPEN_MS',
    kind: kinds.integer(0),
    default: '5000',
    group: 'Subgraph fetching',
    doc: 'How long an open circuit fails fast before a probe, in milliseconds.',
  }),
  // Response cache
  responseCache: setting({
    env: 'MADOGUCHI_RESPONSE_CACHE',
    kind: kinds.boolean(),
    default: 'on',
    group: 'Response cache',
    doc: 'Cache public answers (never those touching private subgraphs); emptied when data changes.',
  }),
  responseCacheTtlMs: setting({
    env: 'MADOGUCHI_RESPONSE_CACHE_TTL_MS',
    kind: kinds.integer(0),
    default: '10000',
    group: 'Response cache',
    doc: 'How long a cached answer is served, in milliseconds.',
  }),
  responseCacheMaxEntries: setting({
    env: 'MADOGUCHI_RESPONSE_CACHE_MAX_ENTRIES',
    kind: kinds.integer(0),
    default: '2000',
    group: 'Response cache',
    doc: 'Answers kept at most.',
  }),
  responseCacheMaxMB: setting({
    env: 'MADOGUCHI_RESPONSE_CACHE_MAX_MB',
    kind: kinds.number(0),
    default: '64',
    group: 'Response cache',
    doc: 'Memory for cached answers, in MiB.',
  }),
  privateSubgraphs: setting({
    env: 'MADOGUCHI_PRIVATE_SUBGRAPHS',
    kind: kinds.list(kinds.text(/^[a-z][a-z0-9_-]*$/, 'a subgraph name')),
    default: 'consultations,growth,desk',
    group: 'Response cache',
    doc: 'Subgraphs whose fields make an answer private (never cached).',
  }),
  // Shared cache
  redisUrl: setting({
    env: 'REDIS_URL',
    kind: kinds.url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379 (or rediss:// for TLS)'),
    group: 'Shared cache (Redis)',
    example: 'redis://127.0.0.1:6379',
    doc: 'A Redis shared by the gateways for answers and persisted queries.',
  }),
  redisPrefix: setting({
    env: 'MADOGUCHI_REDIS_PREFIX',
    kind: kinds.text(/^[A-Za-z0-9_.:-]{1,64}$/, '1–64 letters, digits, _ . : or -'),
    default: 'madoguchi',
    group: 'Shared cache (Redis)',
    doc: "Prefix of this deployment's Redis keys.",
  }),
  redisTimeoutMs: setting({
    env: 'MADOGUCHI_REDIS_TIMEOUT_MS',
    kind: kinds.integer(1),
    default: '250',
    group: 'Shared cache (Redis)',
    doc: 'Time one Redis call may take before it is skipped, in milliseconds.',
  }),
  redisMaxValueKB: setting({
    env: 'MADOGUCHI_REDIS_MAX_VALUE_KB',
    kind: kinds.integer(1),
    default: '512',
    group: 'Shared cache (Redis)',
    doc: 'Largest answer stored in Redis, in KiB.',
  }),
  // Sync
  syncWorkers: setting({
    env: 'MADOGUCHI_SYNC_WORKERS',
    kind: kinds.countOrAuto(),
    default: 'auto',
    group: 'Sync',
    doc: 'Threads that parse large files during a sync (0: all on the sync thread; auto: 1–2 by cores).',
  }),
  leaseTtlMs: setting({
    env: 'MADOGUCHI_LEASE_TTL_MS',
    kind: kinds.integer(500),
    default: '30000',
    group: 'Sync',
    doc: "How long a sync's lease on a source lasts without renewal (PostgreSQL), in milliseconds.",
  }),
  // Desk and webhooks
  webhookAllowPrivate: setting({
    env: 'MADOGUCHI_WEBHOOK_ALLOW_PRIVATE',
    kind: kinds.list(kinds.text(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'a CIDR range such as 127.0.0.1/32')),
    default: '',
    group: 'Desk and webhooks',
    example: '10.20.0.0/16',
    doc: 'Private address ranges webhooks may be delivered to (none by default: loopback, private and link-local addresses are refused).',
  }),
  webhookOwners: setting({
    env: 'MADOGUCHI_WEBHOOK_OWNERS',
    kind: kinds.list(kinds.text()),
    default: '',
    group: 'Desk and webhooks',
    example: 'user-123,user-456',
    doc: 'Token subjects that may register webhooks besides coordinators.',
  }),
  webhookMaxPerOwner: setting({
    env: 'MADOGUCHI_WEBHOOK_MAX_PER_OWNER',
    kind: kinds.integer(1, 100_000),
    default: '100',
    group: 'Desk and webhooks',
    doc: 'Webhooks one owner may register.',
  }),
  webhookRetryBaseMs: setting({
    env: 'MADOGUCHI_WEBHOOK_RETRY_BASE_MS',
    kind: kinds.integer(1, 7 * 86_400_000),
    default: '5000',
    group: 'Desk and webhooks',
    doc: 'Delay before the first retry of a failed delivery, in milliseconds; each later one is 4× the last.',
  }),
  webhookRetryMaxMs: setting({
    env: 'MADOGUCHI_WEBHOOK_RETRY_MAX_MS',
    kind: kinds.integer(1, 7 * 86_400_000),
    default: '18000000',
    group: 'Desk and webhooks',
    doc: 'Longest delay between retries, in milliseconds.',
  }),
  webhookRetryWindowMs: setting({
    env: 'MADOGUCHI_WEBHOOK_RETRY_WINDOW_MS',
    kind: kinds.integer(1, 7 * 86_400_000),
    default: '86400000',
    group: 'Desk and webhooks',
    doc: 'A delivery still failing this long after it was made is given up and its webhook disabled, in milliseconds.',
  }),
  webhookTimeoutMs: setting({
    env: 'MADOGUCHI_WEBHOOK_TIMEOUT_MS',
    kind: kinds.integer(1, 7 * 86_400_000),
    default: '10000',
    group: 'Desk and webhooks',
    doc: 'Time one delivery may take, in milliseconds.',
  }),
  // Logs and traces
  logLevel: setting({
    env: 'LOG_LEVEL',
    kind: kinds.choice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    default: 'info',
    group: 'Logs and traces',
    doc: 'Least severe log level written.',
  }),
  accessLog: setting({
    env: 'MADOGUCHI_ACCESS_LOG',
    kind: kinds.boolean(),
    default: 'on',
    group: 'Logs and traces',
    doc: 'One info line per GraphQL request (operation name, status, time; never variables, results or who asked).',
  }),
  logFormat: setting({
    env: 'LOG_FORMAT',
    kind: kinds.choice(['auto', 'json', 'pretty'] as const),
    default: 'auto',
    group: 'Logs and traces',
    doc: 'json: one JSON object a line; pretty: readable lines; auto: pretty on a terminal in development, else json.',
  }),
  otelSdkDisabled: setting({
    env: 'OTEL_SDK_DISABLED',
    kind: kinds.boolean(),
    default: 'false',
    group: 'Logs and traces',
    doc: 'Turn OpenTelemetry off even when an endpoint is set.',
  }),
  otelEndpoint: setting({
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    kind: kinds.url(['http:', 'https:'], 'http://127.0.0.1:4318'),
    group: 'Logs and traces',
    example: 'http://127.0.0.1:4318',
    doc: 'OTLP/HTTP collector: set, every process sends its traces there (to <endpoint>/v1/traces). Unset, no traces.',
  }),
  otelTracesEndpoint: setting({
    env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    kind: kinds.url(['http:', 'https:'], 'http://127.0.0.1:4318/v1/traces'),
    group: 'Logs and traces',
    doc: 'The full URL traces are posted to, when it is not <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces.',
  }),
  otelProtocol: setting({
    env: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    kind: kinds.choice(['http/protobuf', 'http/json'] as const),
    default: 'http/protobuf',
    group: 'Logs and traces',
    doc: 'Encoding of exported traces (gRPC is not supported).',
  }),
  otelHeaders: setting({
    env: 'OTEL_EXPORTER_OTLP_HEADERS',
    kind: kinds.text(/^[^=,]+=[^,]*(,[^=,]+=[^,]*)*$/, 'key=value pairs, comma-separated'),
    secret: true,
    group: 'Logs and traces',
    doc: "Headers sent with each export (e.g. the collector's API key), as key=value pairs.",
  }),
  otelServiceName: setting({
    env: 'OTEL_SERVICE_NAME',
    kind: kinds.text(),
    defaultDoc: 'madoguchi-gateway, madoguchi-<subgraph>, madoguchi-sync… by process',
    group: 'Logs and traces',
    doc: "The service name on this process's spans.",
  }),
  // Demo
  demo: setting({
    env: 'MADOGUCHI_DEMO',
    kind: kinds.boolean(),
    default: (mode) => (mode === 'production' ? 'off' : 'on'),
    defaultDoc: 'on in development, off in production',
    group: 'Demo',
    doc: "`npm start` runs the demo agencies' stand-in systems and syncs them; `npm install` generates their consultation logs. Off: only the agency files' real sources.",
  }),
  demoUrl: setting({
    env: 'MADOGUCHI_DEMO_URL',
    kind: kinds.url(['http:', 'https:'], 'http://127.0.0.1:4010'),
    group: 'Demo',
    defaultDoc: 'the stand-ins `npm start` runs on a free port',
    doc: "Base URL of demo stand-ins already running (`npm run demo:servers`), read by the demo agencies' files.",
  }),
  demoPort: setting({
    env: 'MADOGUCHI_DEMO_PORT',
    kind: kinds.integer(0, 65535),
    default: '4010',
    group: 'Demo',
    doc: 'Port of `npm run demo:servers`.',
  }),
  consultationDir: setting({
    env: 'MADOGUCHI_CONSULTATION_DIR',
    kind: kinds.text(),
    defaultDoc: 'demo/generated/consultations',
    group: 'Demo',
    doc: "Folder of the demo agencies' consultation logs; set, they are read from there and not generated.",
  }),
} as const;

type Specs = typeof SETTINGS;
type ValueOf<S> =
  S extends Setting<infer T, infer R>
    ? S extends { family: RegExp }
      ? Record<string, T>
      : R extends true
        ? T
        : T | undefined
    : never;

/** The parsed settings: one value per entry of SETTINGS, and what the start made of them. */
export type Settings = { -readonly [K in keyof Specs]: ValueOf<Specs[K]> } & {
  mode: Mode;
  /** The variables as read (the environment over the .env file), for the agency files' ${VAR} references. */
  environment: Record<string, string | undefined>;
  /** The .env file read, if any. */
  envFile?: string;
  /** Unknown MADOGUCHI_* names, each with the closest known one. */
  warnings: string[];
  /** Where the secrets came from (set by `resolveSecrets`; development secrets until then where unset). */
  secrets: { origin: 'environment' } | { origin: 'development'; file: string; created: boolean } | { origin: 'none' };
};

/** Names used by the repository's tools rather than by the product (not reported as unknown). */
const KNOWN_ELSEWHERE = ['MADOGUCHI_URL', 'MADOGUCHI_TOKEN', 'MADOGUCHI_SHARED_DATA'];

/** Every variable name SETTINGS declares (families by their pattern). */
export function knownNames(): string[] {
  return Object.values(SETTINGS).map((s) => s.env);
}

/** The closest declared MADOGUCHI_* name to a misspelt one, when it is close enough to be a slip. */
export function closestName(name: string): string | undefined {
  const names = knownNames().filter((n) => n.startsWith('MADOGUCHI_'));
  const best = closest(name, names);
  return distance(name, best) <= Math.max(3, Math.floor(best.length / 3)) ? best : undefined;
}

/** Reads a .env file: KEY=value lines, # comments, quotes as Node's parseEnv reads them. */
export function readEnvFile(file: string): Record<string, string> {
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}

export interface ParseOptions {
  /** The folder whose `.env` is read (default: the current one); false: no file. */
  envFile?: string | false;
}

/**
 * Parses every setting from `env` (the process's environment unless given) over the `.env` file,
 * validating all of them: a bad value throws a SettingsError listing each variable with what it
 * expects. Writes nothing.
 */
export function parseSettings(env: NodeJS.ProcessEnv = process.env, options: ParseOptions = {}): Settings {
  const envFile = options.envFile === false ? undefined : resolve(options.envFile ?? '.env');
  const fromFile = envFile && existsSync(envFile) ? readEnvFile(envFile) : {};
  const environment: Record<string, string | undefined> = { ...fromFile, ...env };
  const text = (name: string) => {
    const v = environment[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const nodeEnv = text('NODE_ENV');
  const mode: Mode = nodeEnv === 'production' ? 'production' : 'development';
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const read = (spec: Setting, name: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const r = spec.kind.schema.safeParse(raw);
    if (r.success) return r.data;
    // A refused secret is never echoed back.
    problems.push(`${name}: expected ${spec.kind.expects}${spec.secret ? '' : ` (got "${raw}")`}`);
    return undefined;
  };
  for (const [key, spec] of Object.entries(SETTINGS) as Array<[string, Setting]>) {
    if (spec.family) {
      const family: Record<string, unknown> = {};
      for (const name of Object.keys(environment).sort()) {
        const m = spec.family.exec(name);
        const raw = text(name);
        if (!m || raw === undefined) continue;
        const value = read(spec, name, raw);
        if (value !== undefined) family[m[1].toLowerCase()] = value;
      }
      values[key] = family;
      continue;
    }
    const fallback = typeof spec.default === 'function' ? spec.default(mode) : spec.default;
    const raw = text(spec.env);
    values[key] =
      raw !== undefined
        ? read(spec, spec.env, raw)
        : fallback === undefined
          ? undefined
          : spec.kind.schema.parse(fallback);
  }
  if (mode === 'production' && values.subgraphAllowUnsigned === true)
    problems.push('MADOGUCHI_SUBGRAPH_ALLOW_UNSIGNED: is for local development only, never with NODE_ENV=production');
  if (problems.length) throw new SettingsError(`invalid settings:\n  ${problems.join('\n  ')}`);
  const settings = {
    ...values,
    mode,
    environment,
    envFile: Object.keys(fromFile).length ? envFile : undefined,
  } as Settings;
  settings.warnings = unknownNameWarnings(environment);
  settings.secrets = { origin: 'none' };
  return settings;
}

/** The schema's defaults alone, for library callers (tests, benches) that do not read an environment. */
export function defaultSettings(overrides: Partial<Settings> = {}): Settings {
  return { ...parseSettings({}, { envFile: false }), ...overrides };
}

function unknownNameWarnings(environment: Record<string, string | undefined>): string[] {
  const known = new Set([...knownNames(), ...KNOWN_ELSEWHERE]);
  const warnings: string[] = [];
  for (const name of Object.keys(environment).sort()) {
    if (!name.startsWith('MADOGUCHI_') || known.has(name)) continue;
    const near = closestName(name);
    warnings.push(
      `unknown setting ${name}${near ? `: did you mean ${near}?` : ''} (the settings are listed in docs/configuration.md)`,
    );
  }
  return warnings;
}

/** Which secrets a process needs: the gateway verifies tokens and signs identity; a subgraph checks identity only. */
export type SecretNeeds = 'gateway' | 'subgraph';

/**
 * Fills in the secrets a development start lacks from the per-install file in the data folder
 * (created on first use), after every setting was validated. In production a missing secret stops
 * the start instead: development secrets are never used there.
 */
export function resolveSecrets(settings: Settings, needs: SecretNeeds = 'gateway'): Settings {
  const needsJwt = needs === 'gateway' && !settings.jwtSecret && !settings.jwksUrl;
  if (settings.mode === 'production') {
    const missing = [
      needsJwt ? 'MADOGUCHI_JWKS_URL (or MADOGUCHI_JWT_SECRET)' : null,
      !settings.identitySecret ? 'MADOGUCHI_IDENTITY_SECRET' : null,
    ].filter(Boolean);
    if (missing.length)
      throw new SettingsError(
        `NODE_ENV=production needs ${missing.join(' and ')}: development secrets are never used in production`,
      );
  }
  if (!needsJwt && settings.identitySecret) return { ...settings, secrets: { origin: 'environment' } };
  const development = ensureDevelopmentSecrets(resolve(settings.dataDir));
  return {
    ...settings,
    jwtSecret: needsJwt ? development.jwtSecret : settings.jwtSecret,
    identitySecret: settings.identitySecret ?? development.identitySecret,
    secrets: { origin: 'development', file: development.file, created: development.created },
  };
}

/** Parses the settings and then, for development, the per-install secrets: what an entry point calls. */
export function loadSettings(
  env: NodeJS.ProcessEnv = process.env,
  options: ParseOptions & { needs?: SecretNeeds } = {},
): Settings {
  return resolveSecrets(parseSettings(env, options), options.needs);
}

/** Refuses to listen beyond this machine while any secret is a development one. */
export function assertSafeBind(settings: Settings): void {
  if (settings.mode === 'development' && !isLoopback(settings.host) && settings.secrets.origin !== 'environment') {
    const file = settings.secrets.origin === 'development' ? ` (${shortPath(settings.secrets.file)})` : '';
    throw new SettingsError(
      `refusing to listen on HOST=${settings.host} with development secrets${file}, which anyone with access to this machine's files can read: ` +
        'set MADOGUCHI_JWKS_URL (or MADOGUCHI_JWT_SECRET) and MADOGUCHI_IDENTITY_SECRET, or leave HOST unset to stay on 127.0.0.1',
    );
  }
}

function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** Where the store is, without a password: the PGlite folder, or PostgreSQL's host and database. */
export function describeStore(settings: Pick<Settings, 'databaseUrl' | 'dataDir'>): string {
  if (!settings.databaseUrl) return `PGlite in ${shortPath(resolve(settings.dataDir))}`;
  const u = new URL(settings.databaseUrl);
  return `PostgreSQL ${u.hostname}${u.port ? `:${u.port}` : ''}/${decodeURIComponent(u.pathname.slice(1)) || u.username || 'postgres'}`;
}

/** Where traces go, in words. */
export function describeTraces(settings: Settings): string {
  if (settings.otelSdkDisabled || !(settings.otelEndpoint || settings.otelTracesEndpoint)) return 'off';
  const url = settings.otelTracesEndpoint ?? `${settings.otelEndpoint!.replace(/\/$/, '')}/v1/traces`;
  return `${url} (${settings.otelProtocol})`;
}

/**
 * The one start line's fields: the mode, the store (never a password), demo on/off, where traces
 * go, and the security choices (never a secret).
 */
export function startFields(settings: Settings, extra: { demo?: boolean } = {}): Record<string, unknown> {
  const secrets =
    settings.secrets.origin === 'development'
      ? `per-install development secrets ${settings.secrets.created ? 'created in' : 'from'} ${shortPath(settings.secrets.file)}`
      : 'from the environment';
  return {
    mode: settings.mode,
    store: describeStore(settings),
    demo: (extra.demo ?? settings.demo) ? 'on' : 'off',
    traces: describeTraces(settings),
    listen: `${settings.host}${isLoopback(settings.host) ? ' (this machine only)' : ''}`,
    secrets,
    tokens: settings.jwksUrl ? `keys from ${settings.jwksUrl}` : 'HS256 shared secret',
    introspection: settings.introspection,
    cors: settings.corsOrigins.length ? settings.corsOrigins.join(', ') : 'none',
    ...(settings.envFile ? { envFile: shortPath(settings.envFile) } : {}),
  };
}

/** The settings that shape token verification. */
export interface JwtSettings {
  /** HS256 shared secret; absent when keys come from a JWKS URL. */
  secret?: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** Dotted path to the role claim: a string, or an array holding one of staff, coordinator, analyst. */
  roleClaim: string;
  /** Dotted path to the agency claim of staff tokens. */
  agencyClaim: string;
  /** Longest accepted validity (exp − iat, or exp − now without iat), in seconds. */
  maxLifetimeSeconds: number;
  /** Tolerated difference between the issuer's clock and ours, in seconds. */
  clockSkewSeconds: number;
}

export function jwtSettingsOf(s: Settings): JwtSettings {
  return {
    secret: s.jwksUrl ? undefined : s.jwtSecret,
    jwksUrl: s.jwksUrl,
    issuer: s.jwtIssuer,
    audience: s.jwtAudience,
    roleClaim: s.jwtRoleClaim,
    agencyClaim: s.jwtAgencyClaim,
    maxLifetimeSeconds: s.jwtMaxLifetime,
    clockSkewSeconds: s.jwtClockSkew,
  };
}
