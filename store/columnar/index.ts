/**
 * The columnar path of analysts' statistics: one mirror per store, opened on first use and kept
 * up to date by it (./mirror.ts). `countStats` is what the consultations subgraph counts with:
 * the mirror's exact counts, or — where the mirror cannot run (a store that cannot export CSV, a
 * platform without DuckDB's binary) — the store's own rollups and records (../stats.ts), which
 * give the same counts. Protection (perturbation, withheld cells, budgets) is applied by the
 * caller to either.
 */
import type { Queryable, Store } from '../store';
import { isRemoteStore } from '../engine/remote';
import { refreshGrowthSignals, type RefreshOptions, type RefreshResult } from '../signals';
import { refreshFromMirror } from './signals';
import { countConsultations, type StatsDimension, type StatsFilter } from '../stats';
import { tableOf, type CountTable } from '../countTable';
import { ConsultationMirror } from './mirror';
import { countTableOnMirror } from './stats';

const mirrors = new WeakMap<Queryable, Promise<ConsultationMirror | null>>();

/** Why the last mirror could not be opened (null when every mirror opened). */
export let columnarUnavailable: string | null = null;

/** The store's mirror, opened (and loaded) on first use; null where none can run. */
export function columnarMirrorFor(store: Queryable): Promise<ConsultationMirror | null> {
  let mirror = mirrors.get(store);
  if (!mirror) {
    mirror = store.copyToCsv
      ? ConsultationMirror.open(store).catch((e: unknown) => {
          columnarUnavailable = e instanceof Error ? e.message : String(e);
          return null;
        })
      : Promise.resolve(null);
    mirrors.set(store, mirror);
  }
  return mirror;
}

/**
 * Opens the store's mirror and loads it now, so that the first analyst does not wait for it.
 * Rejects, saying why, where no mirror can run (statistics then count in the store).
 */
export async function warmColumnar(store: Queryable): Promise<void> {
  const mirror = await columnarMirrorFor(store);
  if (!mirror) throw new Error(columnarUnavailable ?? 'the store cannot export CSV');
  await mirror.fresh();
}

/**
 * Consultations counted by `dims` under `filter`: exact counts as a table of columns (cheap to
 * hand across threads and to protect), from the mirror where it runs.
 */
export async function countStats(
  store: Queryable,
  dims: readonly StatsDimension[],
  filter: StatsFilter | null | undefined,
): Promise<CountTable> {
  // A subgraph on a thread of its own counts on the mirror of the thread that owns the store.
  if (isRemoteStore(store)) return store.call<CountTable>('countStats', dims, filter);
  const mirror = await columnarMirrorFor(store);
  return mirror
    ? countTableOnMirror(mirror, dims, filter)
    : tableOf(await countConsultations(store, dims, filter), dims.length);
}

/**
 * Refreshes the growth signals: a full refresh from the mirror where it runs (the store is held
 * only to write the answer), a refresh of some firms (`only`) or one without a mirror in SQL.
 */
export async function refreshSignals(store: Store, options: RefreshOptions = {}): Promise<RefreshResult> {
  const mirror = options.only ? null : await columnarMirrorFor(store);
  return mirror ? refreshFromMirror(store, mirror, options) : refreshGrowthSignals(store, options);
}

/** Closes the store's mirror (before the store closes). */
export async function closeColumnar(store: Queryable): Promise<void> {
  const mirror = mirrors.get(store);
  if (!mirror) return;
  mirrors.delete(store);
  await (await mirror)?.close();
}
