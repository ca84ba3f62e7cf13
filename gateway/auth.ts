/**
 * Caller identity at the gateway: a bearer JWT verified with jose — HS256 with a shared secret
 * (MADOGUCHI_JWT_SECRET, or the per-install development secret), or keys from an identity
 * provider's JWKS URL (MADOGUCHI_JWKS_URL). Issuer, audience and the claims holding the role and
 * the agency are configurable (dotted paths such as `realm_access.roles` for Keycloak), so tokens
 * of a real provider are used as they are. `exp` is required, lifetimes are bounded, a token
 * issued in the future is refused, and clocks may differ by a configured skew.
 */
import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { GraphQLError } from 'graphql';
import { ANONYMOUS, type Role, type Viewer } from '../server/identity';
import { jwtSettingsOf, type JwtSettings, type Settings } from '../server/settings';

export interface AuthConfig {
  secret?: Uint8Array;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Dotted path of the role claim (default `role`); its value may be a string or an array. */
  roleClaim?: string;
  /** Dotted path of the agency claim of staff tokens (default `agency`). */
  agencyClaim?: string;
  /** Longest accepted validity in seconds (default one day). */
  maxLifetimeSeconds?: number;
  /** Tolerated clock difference in seconds (default 60). */
  clockSkewSeconds?: number;
}

const DEFAULTS = {
  issuer: 'madoguchi',
  audience: 'madoguchi',
  roleClaim: 'role',
  agencyClaim: 'agency',
  maxLifetimeSeconds: 86_400,
  clockSkewSeconds: 60,
};

/** The verification settings of `settings.ts` as the resolver takes them. */
export function authConfigOf(jwt: JwtSettings): AuthConfig {
  return { ...jwt, secret: jwt.secret ? new TextEncoder().encode(jwt.secret) : undefined };
}

// Without a configured secret a library caller (a test, a bench) still gets a working verifier,
// but with a secret nobody outside this process knows: there is no default anyone could sign with.
let processSecret: Uint8Array | undefined;

/**
 * From the settings: a JWKS URL or a shared secret; without either (a library caller's default
 * settings), a secret random to this process outside production. The entry points pass settings
 * whose development secret `loadSettings` filled in from the install's file.
 */
export function authConfigFromSettings(settings: Settings): AuthConfig {
  const jwt = jwtSettingsOf(settings);
  if (jwt.jwksUrl || jwt.secret) return authConfigOf(jwt);
  if (settings.mode === 'production') throw new Error('set MADOGUCHI_JWKS_URL or MADOGUCHI_JWT_SECRET in production');
  processSecret ??= randomBytes(32);
  return { ...authConfigOf(jwt), secret: processSecret };
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** The value at a dotted path of the claims (`realm_access.roles`), or undefined. */
export function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const ROLES: ReadonlyArray<Exclude<Role, 'anonymous'>> = ['staff', 'coordinator', 'analyst'];

/**
 * The Madoguchi role among a claim's values (a string or a list, as identity providers give realm
 * or group roles). A coordinator sees everything the others do, so it wins; staff and analyst
 * together are ambiguous and refused rather than guessed.
 */
function roleOf(claim: unknown): Exclude<Role, 'anonymous'> | undefined {
  const values = Array.isArray(claim) ? claim : [claim];
  const known = new Set(
    values.filter((v): v is Exclude<Role, 'anonymous'> => typeof v === 'string' && (ROLES as string[]).includes(v)),
  );
  if (known.has('coordinator')) return 'coordinator';
  if (known.size > 1) throw unauthenticated('token carries more than one role (staff and analyst)');
  return [...known][0];
}

/** Builds the verifier once: a remote key set is fetched lazily and cached by jose. */
export function createViewerResolver(config: AuthConfig) {
  const c = {
    ...DEFAULTS,
    ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
  } as AuthConfig & typeof DEFAULTS;
  if (!c.jwksUrl && !c.secret) throw new Error('token verification needs a JWKS URL or a secret');
  const key = c.jwksUrl ? createRemoteJWKSet(new URL(c.jwksUrl)) : c.secret!;
  return async (authorization: string | undefined | null): Promise<Viewer> => {
    if (!authorization) return ANONYMOUS;
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!m) throw unauthenticated('Authorization must be "Bearer <token>"');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(m[1], key as Parameters<typeof jwtVerify>[1], {
        issuer: c.issuer,
        audience: c.audience,
        algorithms: c.jwksUrl ? ['RS256', 'PS256', 'ES256', 'EdDSA'] : ['HS256'],
        clockTolerance: c.clockSkewSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      const err = e as { code?: string; claim?: string };
      if (err.code === 'ERR_JWT_EXPIRED') throw unauthenticated('token expired');
      if (err.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && err.claim === 'exp')
        throw unauthenticated('token has no exp');
      throw unauthenticated('invalid token');
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now + c.clockSkewSeconds)
      throw unauthenticated('token issued in the future');
    const lifetime = payload.exp! - (typeof payload.iat === 'number' ? payload.iat : now);
    if (lifetime > c.maxLifetimeSeconds + c.clockSkewSeconds)
      throw unauthenticated(`token lifetime exceeds ${c.maxLifetimeSeconds} s`);
    const role = roleOf(claimAt(payload, c.roleClaim));
    if (role === 'staff') {
      const raw = claimAt(payload, c.agencyClaim);
      const agency = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
      if (typeof agency !== 'string' || !agency) throw unauthenticated('staff token without an agency claim');
      return { role, subject: payload.sub ?? null, agencyId: agency };
    }
    if (role) return { role, subject: payload.sub ?? null, agencyId: null };
    throw unauthenticated('token has no known role');
  };
}

/** Sets a value at a dotted path, creating the objects on the way. */
function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

/**
 * Signs a development token (npm run token) with the issuer, audience and claim paths the
 * gateway expects.
 */
export async function signDevelopmentToken(
  claims: { role: 'staff' | 'coordinator' | 'analyst'; agency?: string; sub?: string },
  secret: Uint8Array,
  expiresIn = '8h',
  options: Pick<AuthConfig, 'issuer' | 'audience' | 'roleClaim' | 'agencyClaim'> = {},
): Promise<string> {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const payload: Record<string, unknown> = {};
  setAt(payload, o.roleClaim, claims.role);
  if (claims.agency) setAt(payload, o.agencyClaim, claims.agency);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? `dev-${claims.role}`)
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secret);
}
