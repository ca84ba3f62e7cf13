/**
 * Every setting of every Madoguchi process, declared once: its environment name, what it
 * expects (a zod schema over the variable's text), its default and a description. The entry
 * points (app/) parse the environment once — the process's own variables over an optional `.env`
 * file — and pass the result down; nothing else reads `process.env`. The same declarations make
 * docs/configuration.md and .env.example (`npm run settings:docs`, drift-checked by a test) and
 * the start line each process logs.
 *
 * Adding a setting is one entry in ./settingsAccess.ts or ./settingsTuning.ts: a name, a kind from `kinds` (./settingKinds.ts), its variable, its
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
import { ensureDevelopmentSecrets, isLoopback, SettingsError } from './secrets';
import type { Mode, Setting } from './settingKinds';
import { ACCESS_SETTINGS } from './settingsAccess';
import { TUNING_SETTINGS } from './settingsTuning';

export { ensureDevelopmentSecrets, isLoopback, SettingsError, type DevelopmentSecrets } from './secrets';
export { kinds, type Group, type Kind, type Mode, type Setting } from './settingKinds';

/** Every setting. One entry per setting, in ./settingsAccess.ts or ./settingsTuning.ts: see the header for how to add one. */
export const SETTINGS = { ...ACCESS_SETTINGS, ...TUNING_SETTINGS } as const;

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
