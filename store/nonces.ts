/**
 * Nonces of accepted identity headers, kept in the store so that every replica of a subgraph
 * sharing one PostgreSQL sees every other's (the subgraphs' replay window, ../subgraphs/shared/
 * nonces.ts, then holds across replicas). The first insert of a nonce wins; a nonce already there
 * and not yet expired is a replay. Expiry is the database's clock, so replicas' clocks need not
 * agree. The table is UNLOGGED: a nonce is worth nothing after its minute, and writing it to the
 * WAL on every request would cost more than losing the table in a crash (replays within the last
 * window, after a crash of the database itself) risks.
 */
import { pruneEvery } from './engine/housekeeping';
import type { Queryable } from './engine/store';

/** Expired nonces are deleted at most this often per process (and never on a request's path). */
const PRUNE_EVERY_MS = 60_000;

export function storeNonces(
  db: Queryable,
  clock: () => number = Date.now,
): { seen(nonce: string, ttlMs: number): Promise<boolean> } {
  const prune = pruneEvery(db, 'delete from identity_nonces where expires_at < now()', PRUNE_EVERY_MS, clock);
  return {
    async seen(nonce, ttlMs) {
      const rows = await db.query(
        `insert into identity_nonces (nonce, expires_at) values ($1, now() + $2 * interval '1 millisecond')
         on conflict (nonce) do update set expires_at = excluded.expires_at where identity_nonces.expires_at < now()
         returning 1 as fresh`,
        [nonce, Math.max(1, Math.round(ttlMs))],
      );
      prune();
      return rows.length === 0;
    },
  };
}
