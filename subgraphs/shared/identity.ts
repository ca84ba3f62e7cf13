/**
 * Identity between the gateway and the subgraphs. The gateway verifies the caller's JWT and
 * forwards who they are in a header signed with HMAC-SHA256 over the claims, a timestamp and a
 * one-time nonce; subgraphs accept only fresh, correctly signed, never-seen headers, so neither a
 * client nor anyone reaching a subgraph directly can claim an identity.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';

import { ANONYMOUS, type Role, type Viewer } from '../../domain/viewer';

export { ANONYMOUS, type Role, type Viewer };

export const IDENTITY_HEADER = 'x-madoguchi-identity';
export const SIGNATURE_HEADER = 'x-madoguchi-signature';

/** How long a signed identity stays acceptable, allowing for clock skew between processes. */
export const MAX_AGE_MS = 30_000;

const DEV_SECRET = 'madoguchi-development-identity-secret';

export function identitySecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.MADOGUCHI_IDENTITY_SECRET;
  if (secret) return secret;
  if (env.NODE_ENV === 'production') throw new Error('MADOGUCHI_IDENTITY_SECRET must be set in production');
  return DEV_SECRET;
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** Headers carrying a viewer from the gateway to one subgraph request. */
export function signIdentity(viewer: Viewer, secret: string, now = Date.now()): Record<string, string> {
  const payload = Buffer.from(
    JSON.stringify({ role: viewer.role, sub: viewer.subject, agency: viewer.agencyId, ts: now, nonce: randomBytes(12).toString('base64url') }),
  ).toString('base64url');
  return { [IDENTITY_HEADER]: payload, [SIGNATURE_HEADER]: mac(secret, payload) };
}

function refuse(reason: string): GraphQLError {
  return new GraphQLError(`identity refused: ${reason}`, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Verifies forwarded identity headers. No identity header at all means an anonymous caller. */
export function createIdentityVerifier(secret: string, clock: () => number = Date.now) {
  const seen = new Map<string, number>();
  return (headers: { get(name: string): string | undefined | null }): Viewer => {
    const payload = headers.get(IDENTITY_HEADER);
    const signature = headers.get(SIGNATURE_HEADER);
    if (!payload && !signature) return ANONYMOUS;
    if (!payload || !signature) throw refuse('unsigned identity');
    const expected = Buffer.from(mac(secret, payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refuse('bad signature');
    let claims: { role?: unknown; sub?: unknown; agency?: unknown; ts?: unknown; nonce?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw refuse('malformed identity');
    }
    const now = clock();
    if (typeof claims.ts !== 'number' || Math.abs(now - claims.ts) > MAX_AGE_MS) throw refuse('stale identity');
    if (typeof claims.nonce !== 'string' || seen.has(claims.nonce)) throw refuse('replayed identity');
    for (const [nonce, ts] of seen) if (now - ts > MAX_AGE_MS * 2) seen.delete(nonce);
    seen.set(claims.nonce, claims.ts);
    const role = claims.role;
    if (role !== 'anonymous' && role !== 'staff' && role !== 'coordinator' && role !== 'analyst') throw refuse('unknown role');
    const agencyId = typeof claims.agency === 'string' ? claims.agency : null;
    if (role === 'staff' && !agencyId) throw refuse('staff identity without an agency');
    return { role, subject: typeof claims.sub === 'string' ? claims.sub : null, agencyId: role === 'staff' ? agencyId : null };
  };
}
