/**
 * The identity an agency's live service receives with each call: a JWT good for 60 s that says
 * only the caller's role and, for staff, their agency — no subject, no firm, nothing from a
 * consultation — addressed to this one source (`aud` = `<agencyId>/<sourceId>`) and bound to the
 * request (`bh`, the SHA-256 of the body sent, or of the method and path for a REST call).
 *
 * It is signed with Ed25519 (EdDSA): agencies verify it with the public key the gateway publishes at
 * /.well-known/jwks.json and can sign nothing themselves, so a live service cannot forge an
 * identity to any other part of the graph. The built-in subgraphs' HMAC secret never leaves
 * Madoguchi. The key pair is derived from the gateway's identity secret, so every replica that
 * shares the secret signs with the same key and publishes the same JWKS.
 */
import { createHash, createPrivateKey, createPublicKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import type { Viewer } from '../../server/identity';

export const LIVE_IDENTITY_HEADER = 'madoguchi-identity';
export const LIVE_IDENTITY_ISSUER = 'madoguchi';
export const LIVE_IDENTITY_LIFETIME_S = 60;
export const JWKS_PATH = '/.well-known/jwks.json';

export interface LiveIdentityKeys {
  privateKey: KeyObject;
  /** The public key as a JWK, with its key id. */
  publicJwk: JWK & { kid: string; alg: 'EdDSA'; use: 'sig' };
}

// PKCS#8 DER of an Ed25519 private key is this fixed prefix followed by the 32-byte seed.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const keysBySecret = new Map<string, LiveIdentityKeys>();

/** The live-identity key pair of a gateway identity secret (derived, so replicas agree). */
export function liveIdentityKeys(secret: string): LiveIdentityKeys {
  const known = keysBySecret.get(secret);
  if (known) return known;
  const seed = Buffer.from(hkdfSync('sha256', secret, '', 'madoguchi live identity v1', 32));
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const kid = createHash('sha256').update(String(jwk.x)).digest('base64url').slice(0, 16);
  const keys: LiveIdentityKeys = { privateKey, publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' } };
  keysBySecret.set(secret, keys);
  return keys;
}

/** The JSON Web Key Set agencies verify with. */
export function liveJwks(secret: string): { keys: LiveIdentityKeys['publicJwk'][] } {
  return { keys: [liveIdentityKeys(secret).publicJwk] };
}

/**
 * What the signature binds: the body of a GraphQL call, or the method and the path with its query
 * of a REST call (not the host, which a proxy in front of the service may rewrite).
 */
export function requestDigest(request: { body: string } | { method: string; path: string }): string {
  const text = 'body' in request ? request.body : `${request.method.toUpperCase()} ${request.path}`;
  return createHash('sha256').update(text).digest('base64url');
}

/** The claims an agency sees: role, agency for staff, and nothing else about the caller. */
export function minimalClaims(viewer: Viewer): { role: Viewer['role']; agency?: string } {
  return viewer.role === 'staff' && viewer.agencyId
    ? { role: viewer.role, agency: viewer.agencyId }
    : { role: viewer.role };
}

export async function signLiveIdentity(
  keys: LiveIdentityKeys,
  viewer: Viewer,
  target: { audience: string; digest: string },
  now = Date.now(),
): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ ...minimalClaims(viewer), bh: target.digest })
    .setProtectedHeader({ alg: 'EdDSA', kid: keys.publicJwk.kid, typ: 'JWT' })
    .setIssuer(LIVE_IDENTITY_ISSUER)
    .setAudience(target.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + LIVE_IDENTITY_LIFETIME_S)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(keys.privateKey);
}
