/**
 * How an agency's service checks the identity Madoguchi's gateway sends with each call (the
 * `madoguchi-identity` header, see docs/joining-with-your-own-service.md): a JWT signed with the
 * gateway's Ed25519 key, published at /.well-known/jwks.json, addressed to this source and bound to
 * the request. The demo agencies' services use it; an agency's own service does the same in
 * whatever language it is written in.
 */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWK } from 'jose';

export interface CallerIdentity {
  role: 'anonymous' | 'staff' | 'coordinator' | 'analyst';
  /** The caller's agency, for staff. */
  agency?: string;
}

export interface IdentityCheckOptions {
  /** The gateway's JWKS: its URL, or the keys themselves. */
  jwks: string | { keys: JWK[] };
  /** `<agencyId>/<sourceId>`, as the agency file declares the source. */
  audience: string;
}

export class IdentityError extends Error {}

/** Verifies a header value against what this request is: its body, or its method and path with query. */
export function createIdentityCheck(options: IdentityCheckOptions) {
  const keys =
    typeof options.jwks === 'string' ? createRemoteJWKSet(new URL(options.jwks)) : createLocalJWKSet(options.jwks);
  return async (
    header: string | undefined,
    request: { body: string } | { method: string; path: string },
  ): Promise<CallerIdentity> => {
    if (!header) throw new IdentityError('no madoguchi-identity header');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(header, keys, {
        issuer: 'madoguchi',
        audience: options.audience,
        algorithms: ['EdDSA'],
        maxTokenAge: '90s',
      }));
    } catch (e) {
      throw new IdentityError(`identity refused: ${(e as Error).message}`);
    }
    const text = 'body' in request ? request.body : `${request.method.toUpperCase()} ${request.path}`;
    if (payload.bh !== createHash('sha256').update(text).digest('base64url'))
      throw new IdentityError('identity refused: signed for another request');
    const role = payload.role;
    if (role !== 'anonymous' && role !== 'staff' && role !== 'coordinator' && role !== 'analyst')
      throw new IdentityError('identity refused: unknown role');
    return { role, ...(typeof payload.agency === 'string' ? { agency: payload.agency } : {}) };
  };
}
