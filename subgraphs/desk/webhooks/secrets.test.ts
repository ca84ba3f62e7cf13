import { UnreadableSecretError, WebhookSecretBox } from './secrets';

const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const box = WebhookSecretBox.fromServerSecret('identity-secret-of-one-deployment-0123456789');

test('a sealed secret opens for its webhook under the same server secret, in another box too', () => {
  const sealed = box.seal(SECRET, 'wh_1');
  expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
  expect(sealed).not.toContain(SECRET.slice(6));
  expect(WebhookSecretBox.fromServerSecret('identity-secret-of-one-deployment-0123456789').open(sealed, 'wh_1')).toBe(
    SECRET,
  );
});

test('each seal takes a fresh nonce: the same secret never seals the same twice', () => {
  expect(box.seal(SECRET, 'wh_1')).not.toBe(box.seal(SECRET, 'wh_1'));
});

test.each([
  ['another webhook', (s: string) => box.open(s, 'wh_2')],
  [
    'another server secret',
    (s: string) => WebhookSecretBox.fromServerSecret('another-deployment-secret-0123456789abcd').open(s, 'wh_1'),
  ],
  ['a changed byte', (s: string) => box.open(`${s.slice(0, -2)}${s.endsWith('AA') ? 'AB' : 'AA'}`, 'wh_1')],
  ['a cut value', (s: string) => box.open(s.slice(0, 20), 'wh_1')],
  ['plaintext', () => box.open(SECRET, 'wh_1')],
])('%s does not open, with a reason that names no secret', (_name, open) => {
  const sealed = box.seal(SECRET, 'wh_1');
  let error: unknown;
  try {
    open(sealed);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UnreadableSecretError);
  expect((error as Error).message).not.toContain(SECRET.slice(6));
});
