/**
 * Telling every process that shares the store that a source's snapshot changed. The write API
 * sends a NOTIFY inside the transaction that replaces the snapshot, so it is delivered exactly
 * when the new rows become visible (and never for a snapshot rolled back); readers subscribe to
 * rebuild what they derive from the rows (the search index) and to drop cached answers.
 */
import type { EntityKind } from '../../domain/records';
import type { Queryable, Store } from './store';

export const SNAPSHOT_CHANNEL = 'madoguchi_snapshot';

/** A source whose snapshot changed; `null` when notifications may have been missed (anything may have changed). */
export type SnapshotChange = { sourceId: string; entity: EntityKind } | null;

/** Inside the write transaction: announces the new snapshot at commit. */
export async function announceSnapshot(tx: Queryable, sourceId: string, entity: EntityKind): Promise<void> {
  await tx.query('select pg_notify($1, $2)', [SNAPSHOT_CHANNEL, JSON.stringify({ sourceId, entity })]);
}

/** Calls `onChange` for every snapshot written by any process; resolves to an unsubscribe function. */
export function onSnapshot(
  store: Pick<Store, 'listen'>,
  onChange: (change: SnapshotChange) => void,
): Promise<() => Promise<void>> {
  return store.listen(SNAPSHOT_CHANNEL, (payload) => {
    let change: SnapshotChange = null;
    try {
      const parsed = JSON.parse(payload) as { sourceId?: unknown; entity?: unknown };
      if (typeof parsed.sourceId === 'string' && typeof parsed.entity === 'string')
        change = { sourceId: parsed.sourceId, entity: parsed.entity as EntityKind };
    } catch {
      change = null; // '*' after a reconnection, or a payload from elsewhere: treat as anything
    }
    onChange(change);
  });
}

/**
 * For a process that reads nothing from the store but must follow its snapshots (the gateway,
 * for its response cache): one listening connection to the server at `databaseUrl`.
 */
export async function listenForSnapshots(
  databaseUrl: string,
  onChange: (change: SnapshotChange) => void,
): Promise<{ close(): Promise<void> }> {
  // node-postgres is loaded only here: the embedded store's processes do without it.
  const { PostgresStore, validateDatabaseUrl } = require('./postgres') as typeof import('./postgres');
  validateDatabaseUrl(databaseUrl);
  const store = new PostgresStore(databaseUrl, { poolSize: 1, applicationName: 'madoguchi-gateway' });
  // A server that is down at start is not fatal: the listener keeps trying, and says '*' once in.
  await onSnapshot(store, onChange).catch(() => {});
  return { close: () => store.close() };
}
