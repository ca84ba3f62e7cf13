/**
 * Webhook signing secrets at rest. The store never holds a secret as it was shown to its owner:
 * each is sealed with AES-256-GCM (node:crypto) under a key derived by HKDF-SHA256 from the
 * deployment's MADOGUCHI_IDENTITY_SECRET (production sets it; a development start uses the
 * per-install development secret in the data folder), with a fresh 96-bit nonce per secret and the
 * webhook's id as associated data, so a sealed value copied onto another row does not open.
 *
 * Sealed form: `v1.<base64url of nonce ‖ tag ‖ ciphertext>`. Changing MADOGUCHI_IDENTITY_SECRET
 * makes every stored secret unreadable: the dispatcher then disables each webhook with a reason
 * saying so (its owner registers it again), instead of failing its round.
 *
 * Rows written before secrets were sealed (migration 110) keep their plaintext in `secret` until a
 * desk process seals them (`sealPlaintextSecrets`, on start and every round): a migration is plain
 * SQL and never holds the key.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import * as webhooks from '../../../store/webhooks';
import type { Store } from '../../../store/store';

const VERSION = 'v1.';
const NONCE = 12;
const TAG = 16;
/** HKDF's salt and info: fixed, naming what the key is for (another use derives another key). */
const SALT = 'madoguchi';
const INFO = 'webhook signing secrets at rest, AES-256-GCM, v1';

export class UnreadableSecretError extends Error {}

export class WebhookSecretBox {
  private constructor(private readonly key: Buffer) {}

  /** The box of a deployment: its key derived from the server secret every desk process shares. */
  static fromServerSecret(secret: string): WebhookSecretBox {
    return new WebhookSecretBox(Buffer.from(hkdfSync('sha256', secret, SALT, INFO, 32)));
  }

  /**
   * A box whose key lives in this process only, for library callers (tests, benches) that run
   * without a resolved server secret; what it seals does not open after a restart.
   */
  static ephemeral(): WebhookSecretBox {
    ephemeralBox ??= new WebhookSecretBox(randomBytes(32));
    return ephemeralBox;
  }

  seal(secret: string, webhookId: string): string {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG });
    cipher.setAAD(Buffer.from(webhookId, 'utf8'));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${VERSION}${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The secret sealed for `webhookId`; throws UnreadableSecretError when it does not open with this key. */
  open(sealed: string, webhookId: string): string {
    if (!sealed.startsWith(VERSION)) throw new UnreadableSecretError('the stored secret is not in a known sealed form');
    const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url');
    if (raw.length <= NONCE + TAG) throw new UnreadableSecretError('the stored secret is cut short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE), { authTagLength: TAG });
      decipher.setAAD(Buffer.from(webhookId, 'utf8'));
      decipher.setAuthTag(raw.subarray(NONCE, NONCE + TAG));
      return Buffer.concat([decipher.update(raw.subarray(NONCE + TAG)), decipher.final()]).toString('utf8');
    } catch {
      throw new UnreadableSecretError(
        "the stored signing secret does not decrypt with this server's key (was MADOGUCHI_IDENTITY_SECRET changed?); register the webhook again",
      );
    }
  }
}

let ephemeralBox: WebhookSecretBox | undefined;

/** Seals the secrets still stored in plaintext (rows from before migration 110); resolves to how many. */
export async function sealPlaintextSecrets(store: Store, box: WebhookSecretBox): Promise<number> {
  const rows = await webhooks.plaintextSecrets(store);
  let sealed = 0;
  for (const row of rows) {
    if (await webhooks.replacePlaintextSecret(store, row.id, row.secret, box.seal(row.secret, row.id))) sealed++;
  }
  return sealed;
}
