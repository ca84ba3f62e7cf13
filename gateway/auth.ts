/**
 * Caller identity at the gateway: a bearer JWT verified with jose — HS256 with a shared secret
 * for development (MADOGUCHI_JWT_SECRET), or keys from a JWKS URL in production
 * (MADOGUCHI_JWKS_URL). Claims: `role` (staff | coordinator | analyst), `agency` for staff.
 */
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { GraphQLError } from 'graphql';
import { ANONYMOUS, type Viewer } from '../subgraphs/shared/identity';

export const ISSUER = 'madoguchi';
export const AUDIENCE = 'madoguchi';
const DEV_JWT_SECRET = 'madoguchi-development-jwt-secret-change-me';

export interface AuthConfig {
  secret?: Uint8Array;
  jwksUrl?: string;
}

export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  if (env.MADOGUCHI_JWKS_URL) return { jwksUrl: env.MADOGUCHI_JWKS_URL };
  const secret = env.MADOGUCHI_JWT_SECRET ?? (env.NODE_ENV === 'production' ? undefined : DEV_JWT_SECRET);
  if (!secret) throw new Error('set MADOGUCHI_JWT_SECRET or MADOGUCHI_JWKS_URL in production');
  return { secret: new TextEncoder().encode(secret) };
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Builds the verifier once: a remote key set is fetched lazily and cached by jose. */
export function createViewerResolver(config: AuthConfig) {
  const key = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : config.secret!;
  return async (authorization: string | undefined | null): Promise<Viewer> => {
    if (!authorization) return ANONYMOUS;
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!m) throw unauthenticated('Authorization must be "Bearer <token>"');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(m[1], key as Parameters<typeof jwtVerify>[1], {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: config.jwksUrl ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'],
      }));
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw unauthenticated(code === 'ERR_JWT_EXPIRED' ? 'token expired' : 'invalid token');
    }
    const role = payload.role;
    if (role === 'staff') {
      if (typeof payload.agency !== 'string' || !payload.agency) throw unauthenticated('staff token without an agency claim');
      return { role, subject: payload.sub ?? null, agencyId: payload.agency };
    }
    if (role === 'coordinator' || role === 'analyst') return { role, subject: payload.sub ?? null, agencyId: null };
    throw unauthenticated('token has no known role');
  };
}

/** Signs a development token (npm run token). */
export async function signDevelopmentToken(
  claims: { role: 'staff' | 'coordinator' | 'analyst'; agency?: string; sub?: string },
  secret: Uint8Array,
  expiresIn = '8h',
): Promise<string> {
  return new SignJWT({ role: claims.role, ...(claims.agency ? { agency: claims.agency } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? `dev-${claims.role}`)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secret);
}
