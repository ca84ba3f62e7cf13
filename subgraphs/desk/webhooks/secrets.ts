/**
 * Webhook signing secrets at rest. The store never holds a secret as it was shown to its owner:
 * each is sealed with AES-256-GCM (node:crypto) under a key derived by HKDF-SHA256 from the
 * deployment's MADOGUCHI_IDENTITY_SECRET (production sets it; a development start uses the
 * per-install development secret in the data folder), with a fresh 96-bit nonce per secret and the
 * webhook's id as associated data, so a sealed value copied onto another row does not open.
 *
 * Sealed form: `v1.<base64url of nonce ‖ tag ‖ ciphertext>`. Changing MADOGUCHI_IDENTITY_SECRET
 * makes every stored secret unreadable: the dispatcher then disables each webhook with a reason
 * saying so, instead of failing its round, until `madoguchi webhooks rekey` (`rekeySecrets`)
 * re-seals the secrets from the old key to the new one and enables those webhooks again.
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

const WRONG_KEY_START = "the stored signing secret does not decrypt with this server's key";
/** Why a webhook whose secret was sealed under another key is disabled: what `rekey` undoes. */
export const WRONG_KEY = `${WRONG_KEY_START} (was MADOGUCHI_IDENTITY_SECRET changed?); run madoguchi webhooks rekey with the old secret, or register the webhook again`;

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
      throw new UnreadableSecretError(WRONG_KEY);
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

export interface RekeyReport {
  /** Secrets that opened with the old key and are now sealed with the current one. */
  resealed: string[];
  /** Of those, webhooks disabled only because their secret did not open, now enabled again. */
  enabled: string[];
  /** Re-sealed but left disabled: their owner has as many enabled webhooks as allowed. */
  leftDisabled: string[];
  /** Secrets already sealed with the current key (nothing to do). */
  current: number;
  /** Secrets that open with neither key: unchanged. */
  unopened: string[];
}

/**
 * Re-seals every webhook secret sealed under `from` with `to`, in one transaction holding the
 * rows, so a sender never sees half a re-key and two re-keys at once run one after the other.
 * Secrets that already open with `to` are left as they are (running it twice changes nothing);
 * those that open with neither are reported, never changed. A re-sealed webhook disabled for
 * WRONG_KEY alone (in this or an earlier wording) is enabled again unless its owner meanwhile reached `maxEnabledPerOwner`.
 */
export async function rekeySecrets(
  store: Store,
  from: WebhookSecretBox,
  to: WebhookSecretBox,
  maxEnabledPerOwner: number,
): Promise<RekeyReport> {
  return store.transaction(async (tx) => {
    const rows = await webhooks.sealedSecretsForUpdate(tx);
    const enabledOf = new Map<string, number>();
    for (const r of rows) if (!r.disabled) enabledOf.set(r.owner, (enabledOf.get(r.owner) ?? 0) + 1);
    const report: RekeyReport = { resealed: [], enabled: [], leftDisabled: [], current: 0, unopened: [] };
    for (const r of rows) {
      if (opens(to, r.sealed, r.id) !== null) {
        report.current++;
        continue;
      }
      const secret = opens(from, r.sealed, r.id);
      if (secret === null) {
        report.unopened.push(r.id);
        continue;
      }
      const wasWrongKey = r.disabled && (r.disabledReason ?? '').startsWith(WRONG_KEY_START);
      const enable = wasWrongKey && (enabledOf.get(r.owner) ?? 0) < maxEnabledPerOwner;
      await webhooks.resealSecret(tx, r.id, to.seal(secret, r.id), enable);
      report.resealed.push(r.id);
      if (enable) {
        report.enabled.push(r.id);
        enabledOf.set(r.owner, (enabledOf.get(r.owner) ?? 0) + 1);
      } else if (wasWrongKey) report.leftDisabled.push(r.id);
    }
    return report;
  });
}

function opens(box: WebhookSecretBox, sealed: string, id: string): string | null {
  try {
    return box.open(sealed, id);
  } catch (e) {
    if (e instanceof UnreadableSecretError) return null;
    throw e;
  }
}
