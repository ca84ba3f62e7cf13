/**
 * The per-analyst budget of distinct statistics tables (subgraphs/consultations/disclosure.ts),
 * counted in the store, so that every replica of the consultations subgraph sharing one
 * PostgreSQL counts the same tables: an analyst can no longer multiply the budget by sending each
 * table to another replica. A table counts for a day from when it was first asked; asking it again
 * within that day is free (it reads the same perturbed values). Charges of one analyst are
 * serialized by an advisory lock, so two replicas cannot both grant the last table. The day is
 * the database's clock, so replicas' clocks need not agree.
 */
import { pruneEvery } from './engine/housekeeping';
import type { Store } from './engine/store';

/** Tables asked over two days ago are deleted at most this often per process. */
const PRUNE_EVERY_MS = 10 * 60_000;

export interface AnalystBudget {
  readonly limit: number;
  /** Records that `subject` asks `table`; false when that would go over the day's limit. */
  charge(subject: string, table: string): Promise<boolean> | boolean;
}

export function storeAnalystBudget(store: Store, limit: number, clock: () => number = Date.now): AnalystBudget {
  const prune = pruneEvery(
    store,
    "delete from analyst_tables where first_asked_at < now() - interval '2 days'",
    PRUNE_EVERY_MS,
    clock,
  );
  return {
    limit,
    async charge(subject, table) {
      const granted = await store.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`analyst-tables:${subject}`]);
        const [day] = await tx.query<{ known: boolean | null; asked: number }>(
          `select bool_or(table_key = $2) as known, count(*)::int as asked
           from analyst_tables where subject = $1 and first_asked_at > now() - interval '1 day'`,
          [subject, table],
        );
        if (day?.known) return true;
        if ((day?.asked ?? 0) >= limit) return false;
        await tx.query(
          `insert into analyst_tables (subject, table_key, first_asked_at) values ($1, $2, now())
           on conflict (subject, table_key) do update set first_asked_at = excluded.first_asked_at`,
          [subject, table],
        );
        return true;
      });
      prune();
      return granted;
    },
  };
}
