/**
 * Identity between the gateway and the subgraphs. The gateway verifies the caller's JWT and
 * forwards who they are in a header signed with HMAC-SHA256 over the claims, a timestamp, a
 * one-time nonce, the name of the subgraph it is meant for and the SHA-256 of the request body.
 * A subgraph accepts only fresh, correctly signed, never-seen headers addressed to itself on the
 * body they were signed for: neither a client nor anyone reaching a subgraph directly can claim an
 * identity, and a header captured on one hop opens no other subgraph and no other query.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';

import { ANONYMOUS, type Role, type Viewer } from '../domain/viewer';
import { createMemoryNonceStore, type NonceStore } from './nonces';

export { ANONYMOUS, type Role, type Viewer };
export type { NonceStore };

export const IDENTITY_HEADER = 'x-madoguchi-identity';
export const SIGNATURE_HEADER = 'x-madoguchi-signature';

/** How long a signed identity stays acceptable, allowing for clock skew between processes. */
export const MAX_AGE_MS = 30_000;

// Without a configured secret the gateway and subgraphs of one process still agree, on a secret
// nobody outside the process knows: there is no default anyone could sign with.
let processSecret: string | undefined;

/**
 * The configured secret (MADOGUCHI_IDENTITY_SECRET, or the per-install development secret
 * `loadSettings` gives the entry points), or outside production a secret random to this process,
 * for library callers that start a gateway and its subgraphs in one process. Separate processes
 * must be given the same secret.
 */
export function identitySecret(settings: { identitySecret?: string; mode?: string } = {}): string {
  if (settings.identitySecret) return settings.identitySecret;
  if (settings.mode === 'production') throw new Error('MADOGUCHI_IDENTITY_SECRET must be set in production');
  processSecret ??= randomBytes(32).toString('base64url');
  return processSecret;
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** The digest an identity is bound to: the exact body bytes sent. */
export function bodyDigest(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** What one signed identity is for: the subgraph it is sent to and the body it travels with. */
export interface IdentityTarget {
  subgraph: string;
  body: string;
}

/** Headers carrying a viewer to one request of one subgraph. */
export function signIdentity(
  viewer: Viewer,
  secret: string,
  target: IdentityTarget,
  now = Date.now(),
): Record<string, string> {
  const payload = Buffer.from(
    JSON.stringify({
      role: viewer.role,
      sub: viewer.subject,
      agency: viewer.agencyId,
      ts: now,
      nonce: randomBytes(12).toString('base64url'),
      aud: target.subgraph,
      bh: bodyDigest(target.body),
    }),
  ).toString('base64url');
  return { [IDENTITY_HEADER]: payload, [SIGNATURE_HEADER]: mac(secret, payload) };
}

function refuse(reason: string): GraphQLError {
  return new GraphQLError(`identity refused: ${reason}`, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

export interface IdentityVerifierOptions {
  /** This subgraph's name: identity addressed to another subgraph is refused. */
  subgraph: string;
  /** Where accepted nonces are remembered (in memory by default; shared across replicas if given). */
  nonces?: NonceStore;
  clock?: () => number;
  /** Take a request without identity as anonymous (local development only). */
  allowUnsigned?: boolean;
}

/** What the verifier sees of a request. */
export interface SignedRequest {
  method: string;
  headers: { get(name: string): string | undefined | null };
  /** The body exactly as received. */
  body: string;
}

/**
 * Verifies forwarded identity headers. A request without one is refused: the gateway signs every
 * request it sends, anonymous callers' too, so an unsigned one came from somewhere else. Only for
 * local development (`allowUnsigned`) is it taken as anonymous.
 */
export function createIdentityVerifier(secret: string, options: IdentityVerifierOptions) {
  const nonces = options.nonces ?? createMemoryNonceStore();
  const clock = options.clock ?? Date.now;
  return async ({ method, headers, body }: SignedRequest): Promise<Viewer> => {
    const payload = headers.get(IDENTITY_HEADER);
    const signature = headers.get(SIGNATURE_HEADER);
    if (!payload && !signature) {
      if (options.allowUnsigned) return ANONYMOUS;
      throw refuse('no identity: this subgraph answers only the gateway, which signs every request');
    }
    if (!payload || !signature) throw refuse('unsigned identity');
    const expected = Buffer.from(mac(secret, payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refuse('bad signature');
    let claims: {
      role?: unknown;
      sub?: unknown;
      agency?: unknown;
      ts?: unknown;
      nonce?: unknown;
      aud?: unknown;
      bh?: unknown;
    };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw refuse('malformed identity');
    }
    if (claims.aud !== options.subgraph) throw refuse('identity addressed to another subgraph');
    // The gateway always POSTs: a GET would carry its query outside the signed body.
    if (method !== 'POST' || claims.bh !== bodyDigest(body)) throw refuse('identity signed for another request');
    const now = clock();
    if (typeof claims.ts !== 'number' || Math.abs(now - claims.ts) > MAX_AGE_MS) throw refuse('stale identity');
    // A header stays acceptable while |now − ts| ≤ MAX_AGE_MS, so its nonce is kept twice as long.
    if (typeof claims.nonce !== 'string') throw refuse('identity without a nonce');
    let replayed: boolean;
    try {
      replayed = await nonces.seen(claims.nonce, 2 * MAX_AGE_MS);
    } catch {
      // A shared nonce store that cannot be reached (its database restarting): nothing is served
      // unchecked. Coded like the store's own unavailability, and answered as GraphQL errors are
      // (not a 5xx, which would count against this replica's health at the gateway).
      throw new GraphQLError('the store is unavailable; try again shortly', {
        extensions: { code: 'STORE_UNAVAILABLE', http: { status: 200 } },
      });
    }
    if (replayed) throw refuse('replayed identity');
    const role = claims.role;
    if (role !== 'anonymous' && role !== 'staff' && role !== 'coordinator' && role !== 'analyst')
      throw refuse('unknown role');
    const agencyId = typeof claims.agency === 'string' ? claims.agency : null;
    if (role === 'staff' && !agencyId) throw refuse('staff identity without an agency');
    return {
      role,
      subject: typeof claims.sub === 'string' ? claims.sub : null,
      agencyId: role === 'staff' ? agencyId : null,
    };
  };
}
