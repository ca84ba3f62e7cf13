/**
 * The security settings of a start, read once from the environment and validated (zod): the mode,
 * where to listen, how callers' tokens are verified, the secret that signs identity forwarded to
 * the subgraphs, and which browser origins may call. A bad value stops the start naming the
 * variable and what was expected; `describeSettings` prints what was chosen, never a secret.
 *
 * Development secrets are random per install: the first start writes them to `secrets.json` in
 * the data directory (readable by its owner only) and `npm run token` signs with the same file.
 * No secret is ever a literal in the repository. With development secrets the start listens on
 * loopback only: `assertSafeBind` refuses any other HOST until real secrets are configured.
 */
import { relative, resolve } from 'node:path';
import { z } from 'zod';
import { ensureDevelopmentSecrets, isLoopback, SettingsError } from './secrets';

export {
  ensureDevelopmentSecrets,
  isLoopback,
  SettingsError,
  type DevelopmentSecrets,
} from './secrets';

/** Seconds from a duration such as 90, "90s", "15m", "8h" or "1d". */
const duration = z
  .string()
  .regex(/^\d+\s*[smhd]?$/, 'a duration such as 300, 15m, 8h or 1d')
  .transform((v) => {
    const n = Number(/^\d+/.exec(v)![0]);
    const unit = v.trim().slice(-1);
    return n * ({ s: 1, m: 60, h: 3600, d: 86_400 }[unit] ?? 1);
  });

/** A dotted path into a token's claims, e.g. `role` or `realm_access.roles`. */
const claimPath = z
  .string()
  .regex(/^[A-Za-z0-9_:\-/]+(\.[A-Za-z0-9_:\-/]+)*$/, 'a claim name or dotted path such as realm_access.roles');

const origin = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === v;
  } catch {
    return false;
  }
}, 'an origin such as https://portal.example.jp (scheme, host and port only, no path or trailing slash)');

const optionalSecret = z
  .string()
  .optional()
  .refine((v) => v === undefined || v === '' || v.length >= 32, 'at least 32 characters')
  .transform((v) => (v ? v : undefined));

const environment = z.object({
  NODE_ENV: z.string().optional(),
  HOST: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  MADOGUCHI_DATA_DIR: z.string().optional(),
  MADOGUCHI_JWT_SECRET: optionalSecret,
  MADOGUCHI_JWKS_URL: z.string().url('a URL').optional(),
  MADOGUCHI_JWT_ISSUER: z.string().min(1).default('madoguchi'),
  MADOGUCHI_JWT_AUDIENCE: z.string().min(1).default('madoguchi'),
  MADOGUCHI_JWT_ROLE_CLAIM: claimPath.default('role'),
  MADOGUCHI_JWT_AGENCY_CLAIM: claimPath.default('agency'),
  MADOGUCHI_JWT_MAX_LIFETIME: duration.default(86_400),
  MADOGUCHI_JWT_CLOCK_SKEW: duration.default(60),
  MADOGUCHI_IDENTITY_SECRET: optionalSecret,
  MADOGUCHI_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin)),
});

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

export interface Settings {
  mode: 'development' | 'production';
  host: string;
  port: number;
  dataDir: string;
  jwt: JwtSettings;
  /** Signs the identity the gateway forwards to subgraphs. */
  identitySecret: string;
  /** Where the secrets came from: the environment, or the per-install development file. */
  secrets: { origin: 'environment' } | { origin: 'development'; file: string; created: boolean };
  corsOrigins: string[];
}

function parseEnvironment(env: NodeJS.ProcessEnv): z.output<typeof environment> {
  const parsed = environment.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const name = String(i.path[0]);
    // A refused secret is never echoed back.
    const got = env[name] !== undefined && !/SECRET/.test(name) ? ` (got "${env[name]}")` : '';
    return `${name}: ${i.message}${got}`;
  });
  throw new SettingsError(`invalid settings in the environment:\n  ${problems.join('\n  ')}`);
}

function jwtOf(e: z.output<typeof environment>, developmentSecret?: string): JwtSettings {
  return {
    secret: e.MADOGUCHI_JWKS_URL ? undefined : (e.MADOGUCHI_JWT_SECRET ?? developmentSecret),
    jwksUrl: e.MADOGUCHI_JWKS_URL,
    issuer: e.MADOGUCHI_JWT_ISSUER,
    audience: e.MADOGUCHI_JWT_AUDIENCE,
    roleClaim: e.MADOGUCHI_JWT_ROLE_CLAIM,
    agencyClaim: e.MADOGUCHI_JWT_AGENCY_CLAIM,
    maxLifetimeSeconds: e.MADOGUCHI_JWT_MAX_LIFETIME,
    clockSkewSeconds: e.MADOGUCHI_JWT_CLOCK_SKEW,
  };
}

/** Token verification as the environment configures it; `secret` is absent when no secret and no JWKS URL are set. */
export function jwtSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): JwtSettings {
  return jwtOf(parseEnvironment(env));
}

/** Reads and validates the settings; development secrets are created under the data directory when needed. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const e = parseEnvironment(env);
  const mode = e.NODE_ENV === 'production' ? 'production' : 'development';
  const dataDir = resolve(e.MADOGUCHI_DATA_DIR ?? '.data');
  const needsDevelopment = (!e.MADOGUCHI_JWT_SECRET && !e.MADOGUCHI_JWKS_URL) || !e.MADOGUCHI_IDENTITY_SECRET;
  if (needsDevelopment && mode === 'production') {
    const missing = [
      !e.MADOGUCHI_JWT_SECRET && !e.MADOGUCHI_JWKS_URL ? 'MADOGUCHI_JWKS_URL (or MADOGUCHI_JWT_SECRET)' : null,
      !e.MADOGUCHI_IDENTITY_SECRET ? 'MADOGUCHI_IDENTITY_SECRET' : null,
    ].filter(Boolean);
    throw new SettingsError(
      `NODE_ENV=production needs ${missing.join(' and ')}: development secrets are never used in production`,
    );
  }
  const development = needsDevelopment ? ensureDevelopmentSecrets(dataDir) : undefined;
  return {
    mode,
    host: e.HOST ?? '127.0.0.1',
    port: e.PORT ?? 4000,
    dataDir,
    jwt: jwtOf(e, development?.jwtSecret),
    identitySecret: e.MADOGUCHI_IDENTITY_SECRET ?? development!.identitySecret,
    secrets: development
      ? { origin: 'development', file: development.file, created: development.created }
      : { origin: 'environment' },
    corsOrigins: e.MADOGUCHI_CORS_ORIGINS,
  };
}

/** Refuses to listen beyond this machine while any secret is a development one. */
export function assertSafeBind(settings: Settings): void {
  if (settings.secrets.origin === 'development' && !isLoopback(settings.host)) {
    throw new SettingsError(
      `refusing to listen on HOST=${settings.host} with development secrets (${shortPath(settings.secrets.file)}), which anyone with access to this machine's files can read: ` +
        'set MADOGUCHI_JWKS_URL (or MADOGUCHI_JWT_SECRET) and MADOGUCHI_IDENTITY_SECRET, or leave HOST unset to stay on 127.0.0.1',
    );
  }
}

function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** One line saying which mode this start runs in, then the settings that shape security, without secrets. */
export function describeSettings(settings: Settings): string[] {
  const j = settings.jwt;
  const secrets =
    settings.secrets.origin === 'development'
      ? `per-install development secrets ${settings.secrets.created ? 'created in' : 'from'} ${shortPath(settings.secrets.file)}`
      : 'secrets from the environment';
  const reach = isLoopback(settings.host)
    ? `listening on ${settings.host} only (this machine)`
    : `listening on ${settings.host}`;
  return [
    `Madoguchi runs in ${settings.mode} mode: ${secrets}, ${reach}`,
    `  tokens: ${j.jwksUrl ? `keys from ${j.jwksUrl}` : 'HS256 shared secret'}, issuer ${j.issuer}, audience ${j.audience}, role claim ${j.roleClaim}, agency claim ${j.agencyClaim}, lifetime at most ${j.maxLifetimeSeconds} s, clock skew ${j.clockSkewSeconds} s`,
    `  CORS: ${settings.corsOrigins.length ? settings.corsOrigins.join(', ') : 'no other origin (MADOGUCHI_CORS_ORIGINS)'}`,
  ];
}
