/**
 * The analysts' disclosure budget, kept in the store (both stores: the embedded PGlite and a
 * shared PostgreSQL), so that it outlives a restart and every replica of a subgraph charges the
 * same account. A table is charged, when first asked, by the cells it reveals (its cells and its
 * total), and the sum of charges over a sliding window — the last 24 hours by default, measured
 * back from every request — may not pass the limit: there is no boundary to straddle, since no
 * window starts anywhere in particular. Asking a table again within the window is free: it reads
 * the same perturbed values. One analyst's charges are serialized by an advisory lock, so two
 * replicas cannot both grant the last cells. The window is the database's clock.
 *
 * Only which tables were asked (statistic, grouping and filter) and how many cells they had are
 * kept, never counts.
 */
import { pruneEvery } from './engine/housekeeping';
import type { Store } from './engine/store';

/** Charges older than two windows are deleted at most this often per process. */
const PRUNE_EVERY_MS = 10 * 60_000;

export interface BudgetDecision {
  granted: boolean;
  /** Cells charged within the window, this table's included when granted. */
  spent: number;
}

export interface AnalystBudget {
  /** Cells one analyst may be shown within one window. */
  readonly limit: number;
  readonly windowMs: number;
  /** Charges `cells` to `subject` for `table` unless asked within the window already. */
  charge(subject: string, table: string, cells: number): Promise<BudgetDecision>;
}

export function storeAnalystBudget(
  store: Store,
  { limit, windowMs }: { limit: number; windowMs: number },
  clock: () => number = Date.now,
): AnalystBudget {
  const seconds = windowMs / 1000;
  const prune = pruneEvery(
    store,
    `delete from analyst_charges where asked_at < now() - make_interval(secs => ${2 * seconds})`,
    PRUNE_EVERY_MS,
    clock,
  );
  return {
    limit,
    windowMs,
    async charge(subject, table, cells) {
      const decision = await store.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`analyst-budget:${subject}`]);
        const [row] = await tx.query<{ known: boolean | null; spent: number }>(
          `select bool_or(table_key = $2) as known, coalesce(sum(cells), 0)::int as spent
           from analyst_charges where subject = $1 and asked_at > now() - make_interval(secs => $3)`,
          [subject, table, seconds],
        );
        const spent = row?.spent ?? 0;
        if (row?.known) return { granted: true, spent };
        if (spent + cells > limit) return { granted: false, spent };
        await tx.query(
          `insert into analyst_charges (subject, table_key, cells, asked_at) values ($1, $2, $3, now())
           on conflict (subject, table_key) do update set cells = excluded.cells, asked_at = excluded.asked_at`,
          [subject, table, cells],
        );
        return { granted: true, spent: spent + cells };
      });
      prune();
      return decision;
    },
  };
}
