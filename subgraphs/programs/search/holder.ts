/**
 * Keeps one search index per store and in step with its syncs, without restarts: every replica
 * builds its index from the store on first use, then, before answering (at most every
 * `refreshIntervalMs`, default every request), reads the sources table's per-source versions
 * with one tiny query. A sync replaces a source's rows and its version in one transaction, so a
 * changed version means that source's segment is rebuilt from its rows alone; a changed
 * directory reloads the providers' locations. Concurrent requests share one check.
 */
import type { Queryable } from '../../../store/store';
import * as programs from '../../../store/programs';
import * as organizations from '../../../store/organizations';
import { createSearchIndexInSteps, type IndexableProgram, type SearchIndex } from './index';

export interface SearchIndexHolder {
  /** The index, brought up to date first when a check is due. */
  current(): Promise<SearchIndex>;
  /** Checks now, whatever the interval, and returns the up-to-date index. */
  refresh(): Promise<SearchIndex>;
}

export interface SearchIndexHolderOptions {
  /** Minimum time between version checks; 0 checks on every request. */
  refreshIntervalMs?: number;
  clock?: () => number;
}

type VersionRow = Awaited<ReturnType<typeof programs.sourceVersions>>[number];

interface State {
  index: SearchIndex;
  programVersions: Map<string, string>;
  directoryVersion: string;
}

function directoryVersionOf(rows: VersionRow[]): string {
  return rows
    .filter((r) => r.entity === 'organization')
    .map((r) => `${r.id}=${r.version}`)
    .sort()
    .join(',');
}

export function createSearchIndexHolder(store: Queryable, options: SearchIndexHolderOptions = {}): SearchIndexHolder {
  const interval = options.refreshIntervalMs ?? Number(process.env.MADOGUCHI_SEARCH_REFRESH_MS ?? 0);
  const clock = options.clock ?? Date.now;
  let state: State | null = null;
  let lastCheck = -Infinity;
  let inflight: Promise<SearchIndex> | null = null;

  async function update(): Promise<SearchIndex> {
    lastCheck = clock();
    const versions = await programs.sourceVersions(store);
    const programVersions = new Map(versions.filter((v) => v.entity === 'program').map((v) => [v.id, v.version]));
    const directoryVersion = directoryVersionOf(versions);
    if (!state) {
      // Versions are read before the rows: a sync landing in between is seen at the next check.
      const [records, providers] = await Promise.all([programs.indexable(store), organizations.locations(store)]);
      const built = await createSearchIndexInSteps(records, { providers });
      state = { index: built.warm(), programVersions, directoryVersion };
      return state.index;
    }
    const changed = [...programVersions].filter(([id, v]) => state!.programVersions.get(id) !== v).map(([id]) => id);
    const removed = [...state.programVersions.keys()].filter((id) => !programVersions.has(id));
    let index = state.index;
    if (changed.length || removed.length) {
      const changes = new Map<string, IndexableProgram[]>([...changed, ...removed].map((id) => [id, []]));
      if (changed.length) for (const r of await programs.indexable(store, changed)) changes.get(r.sourceId)?.push(r);
      index = index.withSources(changes);
    }
    if (directoryVersion !== state.directoryVersion) index = index.withProviders(await organizations.locations(store));
    state = { index: index === state.index ? index : index.warm(), programVersions, directoryVersion };
    return state.index;
  }

  function run(): Promise<SearchIndex> {
    if (!inflight) {
      inflight = update()
        .catch((e) => {
          // A failed check keeps serving the index already built; without one there is nothing to serve.
          if (state) return state.index;
          throw e;
        })
        .finally(() => {
          inflight = null;
        });
    }
    return inflight;
  }

  return {
    current: () => (state && clock() - lastCheck < interval ? Promise.resolve(state.index) : run()),
    refresh: () => (inflight ? inflight.then(run) : run()),
  };
}

// createContext runs per request: the holder, and so the index, lives as long as its store.
const holders = new WeakMap<Queryable, SearchIndexHolder>();

/** The store's index holder, created on first use. */
export function searchIndexFor(store: Queryable, options?: SearchIndexHolderOptions): SearchIndexHolder {
  let holder = holders.get(store);
  if (!holder) {
    holder = createSearchIndexHolder(store, options);
    holders.set(store, holder);
  }
  return holder;
}
