/**
 * Settings of the desk and its alerts, as the one settings schema (server/settings.ts, the
 * MADOGUCHI_WEBHOOK_* entries) gives them, shaped for the desk: a bad value has already stopped
 * the start there, naming the variable.
 */
import { defaultSettings, type Settings } from '../../server/settings';
import { parseAllowedRanges, type OutboundPolicy } from './webhooks/outbound';
import { WebhookSecretBox } from './webhooks/secrets';

export interface DeskSettings {
  outbound: OutboundPolicy;
  /** Token subjects that may register webhooks besides coordinators. */
  webhookOwners: Set<string>;
  maxWebhooksPerOwner: number;
  /** Deliveries all replicas together send to one receiving host per minute (counted in the store). */
  hostPerMinute: number;
  /** Seals and opens the webhooks' signing secrets (key from MADOGUCHI_IDENTITY_SECRET). */
  secrets: WebhookSecretBox;
  retry: {
    /** Delay after the first failure; each later one is `factor` times the last, up to `maxMs`. */
    baseMs: number;
    factor: number;
    maxMs: number;
    /** A delivery still failing this long after it was created is given up and its webhook disabled. */
    windowMs: number;
  };
  timeoutMs: number;
}

const shaped = new WeakMap<Settings, DeskSettings>();

/** The desk's settings of a process's settings (the schema's defaults when none are given), made once per settings. */
export function deskSettingsOf(s: Settings = defaultDeskBase()): DeskSettings {
  let desk = shaped.get(s);
  if (!desk) {
    desk = {
      outbound: { allowed: parseAllowedRanges(s.webhookAllowPrivate.join(',') || undefined) },
      webhookOwners: new Set(s.webhookOwners),
      maxWebhooksPerOwner: s.webhookMaxPerOwner,
      hostPerMinute: s.webhookHostPerMinute,
      // Settings without a resolved secret come from library callers (tests, benches) only: an
      // entry point resolves it first, and production refuses to start without it.
      secrets: s.identitySecret ? WebhookSecretBox.fromServerSecret(s.identitySecret) : WebhookSecretBox.ephemeral(),
      retry: { baseMs: s.webhookRetryBaseMs, factor: 4, maxMs: s.webhookRetryMaxMs, windowMs: s.webhookRetryWindowMs },
      timeoutMs: s.webhookTimeoutMs,
    };
    shaped.set(s, desk);
  }
  return desk;
}

let defaults: Settings | undefined;
function defaultDeskBase(): Settings {
  defaults ??= defaultSettings();
  return defaults;
}
