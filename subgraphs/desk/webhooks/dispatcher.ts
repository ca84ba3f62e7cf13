/**
 * Sends signed webhooks. Every process serving the desk subgraph runs one; they share the work
 * through the store, so each change reaches each webhook once whatever the number of replicas:
 *
 * - Fan-out: on each snapshot notification (LISTEN/NOTIFY on PostgreSQL, in-process on the
 *   embedded store) and on a timer, the programme changes logged since the cursor are matched
 *   against every enabled webhook's search (./../alerts: the one-stop search index itself) and
 *   turned into deliveries — one message per webhook and source snapshot — in the transaction
 *   that advances the cursor by compare-and-set: a replica that lost the race writes nothing.
 * - Sending: due deliveries are claimed with a lease (one replica at a time), POSTed with the
 *   Standard Webhooks headers (webhook-id is the delivery's id on every retry, so receivers drop
 *   repeats; webhook-timestamp lets them refuse replays; webhook-signature is v1,HMAC-SHA256 of
 *   id.timestamp.body), and retried on failure after exponentially growing delays until the retry
 *   window (24 h) has passed; then the delivery fails and the webhook is disabled with the reason,
 *   as it is at once when the receiver answers 410 Gone. Redirects are not followed.
 * - Secrets are stored sealed (./secrets); one that does not open with this server's key disables
 *   its webhook with the reason, and the round goes on. Secrets still in plaintext from before
 *   sealing are sealed at the start of every round.
 * - Amplification: however many webhooks (of however many owners) point at one receiving host, the
 *   replicas sharing the store together send it at most MADOGUCHI_WEBHOOK_HOST_PER_MINUTE
 *   deliveries a calendar minute (by the store's clock): before sending, a replica takes its
 *   deliveries from the host's count for the minute in the store (one upsert that only counts
 *   under the cap); the rest are handed back, due when that minute ends, without counting as an
 *   attempt.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import { fetch, type Agent } from 'undici';
import { alertSearchKey, alertSearchOf, type AlertSearch } from '../../../domain/alertSearch';
import { programStatus } from '../../../domain/programStatus';
import { onSnapshot } from '../../../store/engine/notifications';
import { changesAfter } from '../../../store/programChanges';
import * as programs from '../../../store/programs';
import type { Store } from '../../../store/store';
import * as webhooks from '../../../store/webhooks';
import type { SearchIndex } from '../../programs/search';
import { japanDate } from '../../shared/scalars';
import { ChangeMatcher, type Alert } from '../alerts';
import type { DeskSettings } from '../settings';
import { checkUrlForm, guardedAgent, refusedAddress } from './outbound';
import { sealPlaintextSecrets, UnreadableSecretError } from './secrets';

/** Changes matched per fan-out round. */
const BATCH = 2_000;
/** Deliveries sent at once by one process. */
const CONCURRENCY = 32;
/** However idle, the store is looked at this often (a missed notification, retries of a dead replica). */
const IDLE_CHECK_MS = 30_000;
/**
 * Snapshots landing within this long of one another wake one round, not one each: a sync of
 * many agencies' programmes (a first start lands dozens in a few seconds) would otherwise run a
 * round of store reads per source on the store's busy thread, each finding the changes the one
 * before it already fanned out.
 */
const COALESCE_MS = 250;
/** A receiver's answer body is not needed; at most this much of it is read. */
const MAX_ERROR_TEXT = 300;

export interface DispatcherOptions {
  settings: DeskSettings;
  /** The store's search index, brought up to date (the programs subgraph's holder). */
  searchIndex: () => Promise<SearchIndex>;
  /** The day programme statuses are computed for (Japan); default today. */
  now?: () => Date;
  logger?: Logger;
}

/** The JSON body of one delivery. */
export interface WebhookPayload {
  type: 'programs.changed';
  timestamp: string;
  data: {
    webhook: string;
    search: AlertSearch;
    snapshot: { sourceId: string; at: string };
    changes: Array<{
      id: string;
      kind: Alert['kind'];
      fields: string[];
      changes: Alert['changes'];
      program: {
        id: string;
        title: string;
        providerId: string;
        kind: string;
        maxAmount: number | null;
        maxAmountText: string | null;
        opensOn: string | null;
        closesOn: string | null;
        status: string;
        url: string | null;
      };
    }>;
  };
}

/** The delay before attempt `n + 1` after `n` failed attempts (n ≥ 1), with ±20 % jitter. */
export function retryDelayMs(failures: number, retry: DeskSettings['retry'], random = Math.random): number {
  const raw = Math.min(retry.maxMs, retry.baseMs * retry.factor ** (failures - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

export class WebhookDispatcher {
  private readonly agent: Agent;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  /** A round asked for by a snapshot, due once COALESCE_MS have passed; settles when it has begun. */
  private soon: { timer: NodeJS.Timeout; begun: Promise<void>; begin: () => void } | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly options: DispatcherOptions,
  ) {
    this.agent = guardedAgent(options.settings.outbound, { connectTimeoutMs: options.settings.timeoutMs });
  }

  async start(): Promise<this> {
    this.unlisten = await onSnapshot(this.store, (change) => {
      if (change === null || change.entity === 'program') this.kickSoon();
    });
    this.kick();
    return this;
  }

  /** Runs a round now (or right after the one running). */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await sealPlaintextSecrets(this.store, this.options.settings.secrets);
          await this.fanOutAll();
          await this.sendDue();
        } catch (e) {
          this.options.logger?.warn({ err: (e as Error).message }, 'webhook round failed');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
      void this.schedule();
    });
  }

  /** A round within COALESCE_MS, shared by every snapshot meanwhile. */
  private kickSoon(): void {
    if (this.stopped || this.soon) return;
    let begin!: () => void;
    const begun = new Promise<void>((r) => (begin = r));
    const timer = setTimeout(() => {
      this.soon = null;
      this.kick();
      begin();
    }, COALESCE_MS);
    this.soon = { timer, begun, begin };
  }

  /** Resolves when no round is running or about to (tests and benches wait on it). */
  async idle(): Promise<void> {
    while (this.running !== null || this.soon !== null) await (this.soon?.begun ?? this.running);
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    let wait = IDLE_CHECK_MS;
    try {
      const due = await webhooks.nextDue(this.store);
      if (due) wait = Math.max(0, Math.min(wait, Date.parse(due) - Date.now()));
    } catch {
      // The store is away: look again later.
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), wait + 5);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) {
      clearTimeout(this.soon.timer);
      this.soon.begin();
      this.soon = null;
    }
    await this.unlisten?.();
    await this.idle();
    await this.agent.close();
  }

  /** Turns every change logged since the cursor into deliveries; returns how many were written. */
  async fanOutAll(): Promise<number> {
    let written = 0;
    for (;;) {
      const started = Date.now();
      const from = await webhooks.fanOutCursor(this.store);
      const changes = await changesAfter(this.store, from, BATCH);
      if (changes.length === 0) return written;
      const to = changes[changes.length - 1].id;
      const targets = await webhooks.enabledTargets(this.store);
      const deliveries: webhooks.NewDelivery[] = [];
      if (targets.length > 0) {
        const index = await this.options.searchIndex();
        const today = japanDate((this.options.now ?? (() => new Date()))());
        const removed = [...new Set(changes.filter((c) => c.change === 'REMOVED').map((c) => c.programId))];
        const listedAgain = new Set(
          (await programs.byIds(this.store, removed)).filter((p) => p !== null).map((p) => p!.id),
        );
        const matcher = new ChangeMatcher(index, changes, today, listedAgain);
        const timestamp = new Date().toISOString();
        for (const target of targets) {
          const search = alertSearchOf(target.search as Partial<AlertSearch>);
          const alerts = matcher
            .alertsFor(search, alertSearchKey(search))
            .filter((a) => a.changeId! > target.startAfter);
          for (const group of bySnapshot(changes, alerts)) {
            deliveries.push(delivery(target.id, search, group, timestamp));
          }
        }
      }
      const done = await webhooks.fanOut(this.store, from, to, deliveries, new Date().toISOString());
      this.options.logger?.debug(
        { from, to, webhooks: targets.length, deliveries: deliveries.length, done, ms: Date.now() - started },
        'webhook fan-out',
      );
      if (done) written += deliveries.length;
    }
  }

  /** Sends every delivery due now, a few at a time, within each receiving host's share of the minute. */
  async sendDue(): Promise<void> {
    const leaseMs = this.options.settings.timeoutMs + 5_000;
    await webhooks.pruneHostMinutes(this.store);
    while (!this.stopped) {
      const claimed = await webhooks.claimDue(this.store, new Date().toISOString(), leaseMs, CONCURRENCY);
      if (claimed.length === 0) return;
      const byHost = new Map<string, webhooks.ClaimedDelivery[]>();
      const unparsable: webhooks.ClaimedDelivery[] = [];
      for (const d of claimed) {
        const host = hostOf(d.url);
        if (host === null) unparsable.push(d);
        else (byHost.get(host) ?? byHost.set(host, []).get(host)!).push(d);
      }
      const sends: Array<Promise<void>> = unparsable.map((d) => this.send(d)); // send() refuses them with the reason
      for (const [host, list] of byHost) {
        const { taken, windowEnd } = await webhooks.takeHostSlots(
          this.store,
          host,
          list.length,
          this.options.settings.hostPerMinute,
        );
        for (const [i, d] of list.entries())
          sends.push(i < taken ? this.send(d) : webhooks.postpone(this.store, d.id, windowEnd));
      }
      await Promise.all(sends);
    }
  }

  /** The delivery's signing secret; disables its webhook and resolves null when it does not open. */
  private async secretOf(d: webhooks.ClaimedDelivery): Promise<string | null> {
    try {
      if (d.sealedSecret !== null) return this.options.settings.secrets.open(d.sealedSecret, d.webhookId);
      if (d.plaintextSecret !== null) return d.plaintextSecret;
      throw new UnreadableSecretError('the webhook has no stored signing secret; register it again');
    } catch (e) {
      if (!(e instanceof UnreadableSecretError)) throw e;
      this.options.logger?.warn({ webhook: d.webhookId, reason: e.message }, 'webhook disabled: unreadable secret');
      await webhooks.disableWebhook(
        this.store,
        d.webhookId,
        e.message,
        new Date().toISOString(),
        d.sealedSecret ?? undefined,
      );
      return null;
    }
  }

  private async send(d: webhooks.ClaimedDelivery): Promise<void> {
    const { settings, logger } = this.options;
    const secret = await this.secretOf(d);
    if (secret === null) return;
    const started = Date.now();
    const at = new Date(started);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const url = checkUrlForm(d.url);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const literal = isIP(host) ? refusedAddress(host, settings.outbound) : null;
      if (literal) throw new Error(`not allowed: ${literal}`);
      const signature = new Webhook(secret).sign(d.id, at, d.payload);
      const res = await fetch(url, {
        method: 'POST',
        body: d.payload,
        redirect: 'manual',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(settings.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Madoguchi-Webhooks/1',
          'webhook-id': d.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
      });
      statusCode = res.status;
      const text = await readHead(res.body, MAX_ERROR_TEXT);
      if (res.status >= 300 && res.status < 400) error = `HTTP ${res.status}: redirects are not followed`;
      else if (res.status < 200 || res.status >= 300)
        error = `HTTP ${res.status} ${text}`.trim().slice(0, MAX_ERROR_TEXT);
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause;
      error = (cause?.message ?? (e as Error).message ?? String(e)).slice(0, MAX_ERROR_TEXT);
    }
    const attempt = { at: at.toISOString(), statusCode, error, durationMs: Date.now() - started };
    if (error === null) {
      await webhooks.recordAttempt(this.store, d.id, attempt, { kind: 'DELIVERED' });
      return;
    }
    const nextAt = Date.now() + retryDelayMs(d.attempts + 1, settings.retry);
    const giveUp = statusCode === 410 || nextAt > Date.parse(d.createdAt) + settings.retry.windowMs;
    await webhooks.recordAttempt(
      this.store,
      d.id,
      attempt,
      giveUp ? { kind: 'FAILED' } : { kind: 'RETRY', nextAttemptAt: new Date(nextAt).toISOString() },
    );
    if (giveUp) {
      const reason =
        statusCode === 410
          ? 'the receiver answered 410 Gone'
          : `no successful delivery within ${Math.round(settings.retry.windowMs / 3_600_000)} h (${d.attempts + 1} attempts; last: ${error})`;
      logger?.warn({ webhook: d.webhookId, delivery: d.id }, 'webhook disabled');
      await webhooks.disableWebhook(this.store, d.webhookId, reason, new Date().toISOString());
    }
  }
}

/** The receiving host a delivery's limit is counted against (lower-case name or address), or null. */
function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/**
 * The first `max` bytes of an answer's body, as text; the rest is never read (a receiver's
 * endless or huge body would hold the sender and its memory until the timeout).
 */
async function readHead(body: ReadableStream<Uint8Array> | null, max: number): Promise<string> {
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // An answer cut short says no more than what came of it.
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

/** Alerts grouped by the source snapshot that showed them (one message each). */
function bySnapshot(
  changes: ReadonlyArray<{ id: number; sourceId: string; at: string }>,
  alerts: readonly Alert[],
): Array<{ sourceId: string; at: string; alerts: Alert[] }> {
  const snapshotOf = new Map(changes.map((c) => [c.id, `${c.sourceId}\u0000${c.at}`]));
  const groups = new Map<string, Alert[]>();
  for (const a of alerts) {
    const key = snapshotOf.get(a.changeId!)!;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(a);
  }
  return [...groups].map(([key, list]) => {
    const [sourceId, at] = key.split('\u0000');
    return { sourceId, at, alerts: list };
  });
}

function delivery(
  webhookId: string,
  search: AlertSearch,
  group: { sourceId: string; at: string; alerts: Alert[] },
  timestamp: string,
): webhooks.NewDelivery {
  const changeIds = group.alerts.map((a) => a.changeId!);
  const id = `msg_${createHash('sha256')
    .update(`${webhookId}|${changeIds.join(',')}`)
    .digest('base64url')
    .slice(0, 27)}`;
  const day = group.at.slice(0, 10);
  const payload: WebhookPayload = {
    type: 'programs.changed',
    timestamp,
    data: {
      webhook: webhookId,
      search,
      snapshot: { sourceId: group.sourceId, at: group.at },
      changes: group.alerts.map((a) => ({
        id: a.id,
        kind: a.kind,
        fields: a.fields,
        changes: a.changes,
        program: {
          id: a.programId,
          title: a.state.title,
          providerId: a.state.providerId,
          kind: a.state.kind,
          maxAmount: a.state.maxAmount,
          maxAmountText: a.state.maxAmountText,
          opensOn: a.state.opensOn,
          closesOn: a.state.closesOn,
          status: a.kind === 'CLOSED' ? 'CLOSED' : programStatus(a.state, day),
          url: a.state.url,
        },
      })),
    },
  };
  return { id, webhookId, changeIds, payload: JSON.stringify(payload) };
}
