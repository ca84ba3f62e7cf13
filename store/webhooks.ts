/**
 * Read and write API of signed webhooks: registrations, the fan-out of logged programme changes
 * into deliveries (once, whichever replica does it: the cursor advances by compare-and-set in the
 * transaction that inserts the deliveries), claiming due deliveries (a lease per delivery, so one
 * replica sends it at a time), attempts and their outcome, and disabling with a reason.
 */
import type { Queryable, Store } from './store';

export interface WebhookRow {
  id: string;
  owner: string;
  url: string;
  search: Record<string, unknown>;
  createdAt: string;
  disabledAt: string | null;
  disabledReason: string | null;
}

/** A webhook with what the fan-out needs. */
export interface WebhookTarget extends WebhookRow {
  /** Changes up to this id predate the webhook. */
  startAfter: number;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

export interface DeliveryRow {
  id: string;
  webhookId: string;
  changeIds: number[];
  status: DeliveryStatus;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastError: string | null;
}

export interface AttemptRow {
  deliveryId: string;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const JST = (c: string) => `to_char(${c} at time zone 'Asia/Tokyo', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+09:00"')`;

const WEBHOOK_COLUMNS = `id, owner, url, search, ${JST('created_at')} as "createdAt", ${JST('disabled_at')} as "disabledAt",
  disabled_reason as "disabledReason"`;

const DELIVERY_COLUMNS = `d.id, d.webhook_id as "webhookId", d.change_ids::float8[] as "changeIds", d.status,
  ${JST('d.created_at')} as "createdAt", d.attempts, ${JST('d.next_attempt_at')} as "nextAttemptAt",
  ${JST('d.delivered_at')} as "deliveredAt", d.last_error as "lastError"`;

export interface NewWebhook {
  id: string;
  owner: string;
  url: string;
  search: object;
  /** The signing secret as sealed by the desk (never the secret itself). */
  sealedSecret: string;
  at: string;
}

export async function createWebhook(db: Queryable, w: NewWebhook): Promise<WebhookRow> {
  const [row] = await db.query<WebhookRow>(
    `insert into webhooks (id, owner, url, search, secret_sealed, created_at, start_after)
     values ($1, $2, $3, $4, $5, $6, (select coalesce(max(id), 0) from program_changes)) returning ${WEBHOOK_COLUMNS}`,
    [w.id, w.owner, w.url, JSON.stringify(w.search), w.sealedSecret, w.at],
  );
  return row;
}

/** An arbitrary constant of this project: the advisory-lock class of one owner's registrations. */
const OWNER_LOCK = 7_341_092;

/**
 * Registers a webhook once `check` accepts the owner's enabled webhooks (it throws to refuse),
 * holding a lock on the owner for the transaction: two registrations at once by one owner are
 * checked one after the other, so neither can slip past a limit the other filled.
 */
export async function createWebhookChecked(
  store: Store,
  w: NewWebhook,
  check: (enabled: WebhookRow[]) => void,
): Promise<WebhookRow> {
  return store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [OWNER_LOCK, w.owner]);
    const enabled = await tx.query<WebhookRow>(
      `select ${WEBHOOK_COLUMNS} from webhooks where owner = $1 and disabled_at is null order by created_at, id`,
      [w.owner],
    );
    check(enabled);
    return createWebhook(tx, w);
  });
}

/** Secrets still stored in plaintext (rows from before migration 110). */
export function plaintextSecrets(db: Queryable): Promise<Array<{ id: string; secret: string }>> {
  return db.query<{ id: string; secret: string }>(
    'select id, secret from webhooks where secret is not null order by id',
  );
}

/** Stores a webhook's secret sealed in place of its plaintext, if that is still the one stored. */
export async function replacePlaintextSecret(
  db: Queryable,
  id: string,
  plain: string,
  sealed: string,
): Promise<boolean> {
  const rows = await db.query(
    'update webhooks set secret_sealed = $3, secret = null where id = $1 and secret = $2 returning id',
    [id, plain, sealed],
  );
  return rows.length > 0;
}

export interface SealedSecretRow {
  id: string;
  owner: string;
  sealed: string;
  disabled: boolean;
  disabledReason: string | null;
}

/** Every sealed secret, locked for the transaction `tx` (a re-key), oldest webhook first. */
export function sealedSecretsForUpdate(tx: Queryable): Promise<SealedSecretRow[]> {
  return tx.query<SealedSecretRow>(
    `select id, owner, secret_sealed as sealed, disabled_at is not null as disabled, disabled_reason as "disabledReason"
     from webhooks where secret_sealed is not null order by created_at, id for update`,
  );
}

/** Stores a webhook's secret sealed anew; with `enable`, enables it again (clearing its reason). */
export async function resealSecret(tx: Queryable, id: string, sealed: string, enable: boolean): Promise<void> {
  await tx.query(
    `update webhooks set secret_sealed = $2,
       disabled_at = case when $3::boolean then null else disabled_at end,
       disabled_reason = case when $3::boolean then null else disabled_reason end
     where id = $1`,
    [id, sealed, enable],
  );
}

/** Webhooks of one owner (all when null), newest first. */
export function webhooksOf(db: Queryable, owner: string | null): Promise<WebhookRow[]> {
  return db.query<WebhookRow>(
    `select ${WEBHOOK_COLUMNS} from webhooks where ($1::text is null or owner = $1) order by created_at desc, id`,
    [owner],
  );
}

export async function webhookById(db: Queryable, id: string): Promise<WebhookRow | null> {
  const [row] = await db.query<WebhookRow>(`select ${WEBHOOK_COLUMNS} from webhooks where id = $1`, [id]);
  return row ?? null;
}

/** Enabled webhooks, for the fan-out. */
export function enabledTargets(db: Queryable): Promise<WebhookTarget[]> {
  return db.query<WebhookTarget>(
    `select ${WEBHOOK_COLUMNS}, start_after::float8 as "startAfter" from webhooks where disabled_at is null order by id`,
  );
}

/**
 * Disables a webhook (once: the first reason stays) and gives up its pending deliveries. With
 * `ifSealed`, only while that is still its stored secret: a secret re-sealed meanwhile (`madoguchi
 * webhooks rekey`) is not undone by a sender that read the old one.
 */
export async function disableWebhook(
  store: Store,
  id: string,
  reason: string,
  at: string,
  ifSealed?: string,
): Promise<void> {
  await store.transaction(async (tx) => {
    const disabled = await tx.query(
      `update webhooks set disabled_at = $2, disabled_reason = $3
       where id = $1 and disabled_at is null and ($4::text is null or secret_sealed = $4) returning id`,
      [id, at, reason.slice(0, 500), ifSealed ?? null],
    );
    if (ifSealed !== undefined && disabled.length === 0) return;
    await tx.query(
      `update webhook_deliveries set status = 'FAILED', next_attempt_at = null, lease_until = null,
         last_error = coalesce(last_error, $2) where webhook_id = $1 and status = 'PENDING'`,
      [id, `webhook disabled: ${reason.slice(0, 300)}`],
    );
  });
}

/** Where the fan-out stands: the last change id turned into deliveries. */
export async function fanOutCursor(db: Queryable): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `select last_change_id::float8 as id from alert_cursor where name = 'webhooks'`,
  );
  return row?.id ?? 0;
}

export interface NewDelivery {
  id: string;
  webhookId: string;
  changeIds: number[];
  payload: string;
}

/**
 * Inserts the deliveries for the changes after `from` up to `to` and moves the cursor there, in
 * one transaction, only if the cursor is still at `from`: when another replica got there first,
 * nothing is written and false is returned.
 */
export async function fanOut(
  store: Store,
  from: number,
  to: number,
  deliveries: readonly NewDelivery[],
  at: string,
): Promise<boolean> {
  return store.transaction(async (tx) => {
    const moved = await tx.query(
      `update alert_cursor set last_change_id = $2 where name = 'webhooks' and last_change_id = $1 returning name`,
      [from, to],
    );
    if (moved.length === 0) return false;
    for (let i = 0; i < deliveries.length; i += 1000) {
      const chunk = deliveries.slice(i, i + 1000);
      await tx.query(
        `insert into webhook_deliveries (id, webhook_id, change_ids, payload, created_at, status, next_attempt_at)
         select x.id, x.webhook_id, string_to_array(x.change_ids, ',')::bigint[], x.payload, $5, 'PENDING', $5
         from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as x(id, webhook_id, change_ids, payload)
         on conflict (id) do nothing`,
        [
          chunk.map((d) => d.id),
          chunk.map((d) => d.webhookId),
          chunk.map((d) => d.changeIds.join(',')),
          chunk.map((d) => d.payload),
          at,
        ],
      );
    }
    return true;
  });
}

export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  url: string;
  /** The webhook's signing secret, sealed (./../subgraphs/desk/webhooks/secrets). */
  sealedSecret: string | null;
  /** A secret from before migration 110 not sealed yet. */
  plaintextSecret: string | null;
  payload: string;
  attempts: number;
  createdAt: string;
}

/**
 * Takes up to `limit` deliveries due at `now` for `leaseMs`: another replica does not take them
 * until the lease expires (a replica that died mid-send is replaced).
 */
export function claimDue(db: Queryable, now: string, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
  return db.query<ClaimedDelivery>(
    `update webhook_deliveries d set lease_until = $1::timestamptz + ($2::int * interval '1 millisecond')
     from webhooks w
     where d.id in (select id from webhook_deliveries
                    where status = 'PENDING' and next_attempt_at <= $1 and (lease_until is null or lease_until < $1)
                    order by next_attempt_at, id limit $3 for update skip locked)
       and w.id = d.webhook_id and w.disabled_at is null
     returning d.id, d.webhook_id as "webhookId", w.url, w.secret_sealed as "sealedSecret", w.secret as "plaintextSecret", d.payload, d.attempts, ${JST('d.created_at')} as "createdAt"`,
    [now, leaseMs, limit],
  );
}

/** Hands a claimed delivery back, due again at `at`, without counting an attempt (a limit held it). */
export async function postpone(db: Queryable, id: string, at: string): Promise<void> {
  await db.query(
    `update webhook_deliveries set lease_until = null, next_attempt_at = $2 where id = $1 and status = 'PENDING'`,
    [id, at],
  );
}

export interface HostSlots {
  /** Deliveries the caller may send to the host now (0 to `wanted`). */
  taken: number;
  /** When the host's minute ends (ISO): what was not taken waits until then. */
  windowEnd: string;
}

/**
 * Takes up to `wanted` of `host`'s deliveries for the current minute, by the store's clock, so
 * that all replicas sharing the store together send at most `cap` to one host a minute. One
 * upsert: the count only grows while under the cap, and on PostgreSQL a concurrent take waits on
 * the row and sees the other's count, so two replicas never both take the last slot.
 */
export async function takeHostSlots(db: Queryable, host: string, wanted: number, cap: number): Promise<HostSlots> {
  const [row] = await db.query<{ taken: number | null; windowEnd: string }>(
    `with m as (select date_trunc('minute', clock_timestamp()) as minute),
     t as (
       insert into webhook_host_minutes as h (host, minute, sent, last_taken)
       select $1, m.minute, least($2::int, $3::int), least($2::int, $3::int) from m
       on conflict (host, minute) do update
         set sent = h.sent + least($2::int, $3::int - h.sent), last_taken = least($2::int, $3::int - h.sent)
         where h.sent < $3::int
       returning last_taken)
     select (select last_taken from t) as taken, ${JST("(m.minute + interval '1 minute')")} as "windowEnd" from m`,
    [host, wanted, cap],
  );
  return { taken: row.taken ?? 0, windowEnd: row.windowEnd };
}

/** Forgets the per-host counts of minutes gone by. */
export async function pruneHostMinutes(db: Queryable): Promise<void> {
  await db.query(
    `delete from webhook_host_minutes where minute < date_trunc('minute', clock_timestamp()) - interval '1 minute'`,
  );
}

/** The soonest time a pending delivery falls due (ISO), or null. */
export async function nextDue(db: Queryable): Promise<string | null> {
  const [row] = await db.query<{ at: string | null }>(
    `select ${JST('min(greatest(next_attempt_at, coalesce(lease_until, next_attempt_at)))')} as at from webhook_deliveries where status = 'PENDING'`,
  );
  return row?.at ?? null;
}

export type AttemptOutcome = { kind: 'DELIVERED' } | { kind: 'RETRY'; nextAttemptAt: string } | { kind: 'FAILED' };

/** Logs an attempt and its outcome; resolves false when the delivery was no longer pending. */
export async function recordAttempt(
  store: Store,
  deliveryId: string,
  attempt: Omit<AttemptRow, 'deliveryId'>,
  outcome: AttemptOutcome,
): Promise<boolean> {
  return store.transaction(async (tx) => {
    const updated = await tx.query(
      `update webhook_deliveries set attempts = attempts + 1, lease_until = null, last_error = $2,
         status = $3, next_attempt_at = $4, delivered_at = case when $3 = 'DELIVERED' then $5::timestamptz end
       where id = $1 and status = 'PENDING' returning id`,
      [
        deliveryId,
        attempt.error,
        outcome.kind === 'RETRY' ? 'PENDING' : outcome.kind,
        outcome.kind === 'RETRY' ? outcome.nextAttemptAt : null,
        attempt.at,
      ],
    );
    if (updated.length === 0) return false;
    await tx.query(
      'insert into webhook_attempts (delivery_id, at, status_code, error, duration_ms) values ($1, $2, $3, $4, $5)',
      [deliveryId, attempt.at, attempt.statusCode, attempt.error, attempt.durationMs],
    );
    return true;
  });
}

/** The latest deliveries of each webhook, newest first, in the order of the ids asked. */
export async function deliveriesOf(
  db: Queryable,
  webhookIds: readonly string[],
  limit: number,
): Promise<DeliveryRow[][]> {
  const rows = await db.query<DeliveryRow>(
    `select * from (select ${DELIVERY_COLUMNS}, row_number() over (partition by d.webhook_id order by d.created_at desc, d.id desc) as n
                    from webhook_deliveries d where d.webhook_id = any($1::text[])) x where n <= $2 order by "createdAt" desc, id desc`,
    [webhookIds, limit],
  );
  return webhookIds.map((id) => rows.filter((r) => r.webhookId === id));
}

/** Every attempt of each delivery, oldest first, in the order of the ids asked. */
export async function attemptsOf(db: Queryable, deliveryIds: readonly string[]): Promise<AttemptRow[][]> {
  const rows = await db.query<AttemptRow>(
    `select delivery_id as "deliveryId", ${JST('at')} as at, status_code as "statusCode", error, duration_ms as "durationMs"
     from webhook_attempts where delivery_id = any($1::text[]) order by at, id`,
    [deliveryIds],
  );
  return deliveryIds.map((id) => rows.filter((r) => r.deliveryId === id));
}
