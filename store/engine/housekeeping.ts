/**
 * Deletes rows that no longer count (expired nonces, analysts' tables from days ago), at most
 * once per `everyMs` per process and never on a request's path: the returned function starts the
 * deletion without awaiting it; a failure is retried at the next call.
 */
import type { Queryable } from './store';

export function pruneEvery(db: Queryable, sql: string, everyMs: number, clock: () => number = Date.now): () => void {
  let prunedAt = clock();
  return () => {
    const now = clock();
    if (now - prunedAt < everyMs) return;
    prunedAt = now;
    db.query(sql).catch(() => (prunedAt = 0));
  };
}
