/**
 * The identity an agency's service receives: verifiable with the published key set alone, bound to
 * its audience and request, minimal, and useless to anyone who cannot sign.
 */
import { createHash } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import { createIdentityCheck } from '../../demo/live/identity';
import { liveIdentityKeys, liveJwks, requestDigest, signLiveIdentity } from './identity';

const SECRET = 'live-identity-test-secret-live-identity-test';
const body = '{"query":"{ equipmentList { id } }"}';
const check = createIdentityCheck({ jwks: liveJwks(SECRET), audience: 'hyogo-itc/equipment' });
const sign = (
  viewer: Parameters<typeof signLiveIdentity>[1],
  audience = 'hyogo-itc/equipment',
  digest = requestDigest({ body }),
) => signLiveIdentity(liveIdentityKeys(SECRET), viewer, { audience, digest });

test('an agency verifies role and agency with the JWKS, and learns nothing else of the caller', async () => {
  const token = await sign({ role: 'staff', agencyId: 'hyogo-iac', subject: 'tanaka@example.jp' });
  expect(await check(token, { body })).toEqual({ role: 'staff', agency: 'hyogo-iac' });
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  expect(Object.keys(payload).sort()).toEqual(['agency', 'aud', 'bh', 'exp', 'iat', 'iss', 'jti', 'role']);
  expect(JSON.stringify(payload)).not.toContain('tanaka');
  expect(payload.exp - payload.iat).toBe(60);
  // A coordinator's or an anonymous caller's carries no agency.
  expect(await check(await sign({ role: 'coordinator', agencyId: null, subject: 'c' }), { body })).toEqual({
    role: 'coordinator',
  });
  // Every replica sharing the secret publishes the same key; the JWKS holds no private part.
  expect(liveJwks(SECRET)).toEqual(liveJwks(SECRET));
  expect(JSON.stringify(liveJwks(SECRET))).not.toMatch(/"d":/);
});

test('a token for another source, another request, or signed by anyone else is refused', async () => {
  const viewer = { role: 'staff' as const, agencyId: 'hyogo-iac', subject: null };
  await expect(check(await sign(viewer, 'hyogo-cgc/fees'), { body })).rejects.toThrow(/identity refused/);
  await expect(check(await sign(viewer), { body: body.replace('id', 'name') })).rejects.toThrow(/another request/);
  // REST calls bind method and path with query.
  const path = '/v1/programs/hyogo-cgc%3ACGC-01/fee?amount=1';
  const rest = await sign(viewer, 'hyogo-itc/equipment', requestDigest({ method: 'GET', path }));
  expect(await check(rest, { method: 'GET', path })).toEqual({ role: 'staff', agency: 'hyogo-iac' });
  await expect(check(rest, { method: 'GET', path: path.replace('amount=1', 'amount=2') })).rejects.toThrow();
  // A key of its own (an agency forging an identity) is not the gateway's.
  const { privateKey } = await generateKeyPair('EdDSA');
  const forged = await new SignJWT({ role: 'coordinator', bh: createHash('sha256').update(body).digest('base64url') })
    .setProtectedHeader({ alg: 'EdDSA', kid: liveJwks(SECRET).keys[0].kid })
    .setIssuer('madoguchi')
    .setAudience('hyogo-itc/equipment')
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(privateKey);
  await expect(check(forged, { body })).rejects.toThrow(/identity refused/);
  await expect(check(undefined, { body })).rejects.toThrow(/no madoguchi-identity/);
});
