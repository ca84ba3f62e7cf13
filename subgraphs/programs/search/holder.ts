/**
 * Keeps one search index per store and in step with its syncs, without restarts: every replica
 * builds its index from the store on first use, then, before answering (at most every
 * `refreshIntervalMs`, default every request), reads the sources table's per-source versions
 * with one tiny query. A sync replaces a source's rows and its version in one transaction, so a
 * changed version means that source's segment is rebuilt from its rows alone; a changed
 * directory reloads the providers' locations. Concurrent requests share one check.
 *
 * The first build never holds a search up for long: a catalogue of up to `backgroundBuildFrom`
 * programmes (a fraction of a second's work) is indexed before the first search answers, a
 * larger one source by source on a worker thread (background.ts) while searches answer at once
 * from the sources indexed so far, their index saying how far it is (`SearchIndex.indexing`).
 */
import type { Queryable } from '../../../store/store';
import * as programs from '../../../store/programs';
import * as organizations from '../../../store/organizations';
import { startSegmentBuilder } from './background';
import { createSearchIndexInSteps, indexOfSegments, type IndexableProgram, type SearchIndex } from './index';
import { Dictionaries } from './dictionaries';
import type { Segment } from './segment';

export interface SearchIndexHolder {
  /**
   * The index, brought up to date first when a check is due. During a large first build, the
   * index of the sources built so far, at once.
   */
  current(): Promise<SearchIndex>;
  /** Checks now, whatever the interval, and returns the up-to-date index. */
  refresh(): Promise<SearchIndex>;
  /** Resolves once the first build is done (or under way in the background, for a large catalogue). */
  ready(): Promise<void>;
}

/**
 * Catalogues of at least this many programmes are built in the background on a worker thread,
 * searches answering from what is built so far; smaller ones (~0.3 s of work at most) before the
 * first search answers.
 */
export const BACKGROUND_BUILD_FROM = 20_000;

export interface SearchIndexHolderOptions {
  /** Minimum time between version checks; 0 checks on every request. */
  refreshIntervalMs?: number;
  clock?: () => number;
  /** Catalogue size from which the first build runs in the background (default BACKGROUND_BUILD_FROM). */
  backgroundBuildFrom?: number;
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
  const interval = options.refreshIntervalMs ?? 0;
  const clock = options.clock ?? Date.now;
  const backgroundFrom = options.backgroundBuildFrom ?? BACKGROUND_BUILD_FROM;
  let state: State | null = null;
  let lastCheck = -Infinity;
  let inflight: Promise<SearchIndex> | null = null;
  /** During a background first build: the index of the sources built so far. */
  let partial: SearchIndex | null = null;
  /** The first build, until it is done. */
  let first: Promise<void> | null = null;

  /**
   * The first build. Resolves `started` once searches can be answered: at its end for a small
   * catalogue, at once (from an empty index, then the sources built so far) for a large one.
   */
  async function build(started: () => void): Promise<void> {
    // Versions are read before the rows: a sync landing in between is seen at the next check.
    lastCheck = clock();
    const versions = await programs.sourceVersions(store);
    const programVersions = new Map(versions.filter((v) => v.entity === 'program').map((v) => [v.id, v.version]));
    const directoryVersion = directoryVersionOf(versions);
    const total = versions.filter((v) => v.entity === 'program').reduce((n, v) => n + (Number(v.accepted) || 0), 0);
    if (total < backgroundFrom) {
      const [records, providers] = await Promise.all([programs.indexable(store), organizations.locations(store)]);
      const built = await createSearchIndexInSteps(records, { providers });
      state = { index: await built.warmInSteps(), programVersions, directoryVersion };
      return;
    }
    const providers = await organizations.locations(store);
    const dictionaries = new Dictionaries();
    const parts: Segment[] = [];
    let indexed = 0;
    const publish = () => {
      const index = indexOfSegments(parts, dictionaries, { providers });
      index.indexing = { indexed, total: Math.max(total, indexed) };
      partial = index;
    };
    publish();
    started();
    const builder = startSegmentBuilder(dictionaries);
    try {
      // One source at a time: its rows read while the worker builds the one before.
      const sourceIds = [...programVersions.keys()].sort();
      let next = sourceIds.length ? programs.indexable(store, [sourceIds[0]]) : null;
      for (let i = 0; i < sourceIds.length; i++) {
        const records = await next!;
        next = i + 1 < sourceIds.length ? programs.indexable(store, [sourceIds[i + 1]]) : null;
        if (!records.length) continue;
        parts.push(await builder.build(sourceIds[i], records));
        indexed += records.length;
        publish();
      }
    } finally {
      await builder.close();
    }
    const index = await indexOfSegments(parts, dictionaries, { providers }).mergedInSteps();
    state = { index: await index.warmInSteps(), programVersions, directoryVersion };
    partial = null;
  }

  function startFirst(): Promise<void> {
    if (!first) {
      let started!: () => void;
      const ready = new Promise<void>((resolve) => {
        started = resolve;
      });
      const done = build(started).finally(() => {
        first = null;
        // A background build that failed half way is started again by the next request.
        if (!state) partial = null;
      });
      // A failed first build is an error for those waiting, and is retried by the next request.
      first = Promise.race([ready, done]);
      done.then(started, () => {});
    }
    return first;
  }

  async function update(): Promise<SearchIndex> {
    if (!state) {
      await startFirst();
      return (state as State | null)?.index ?? partial!;
    }
    lastCheck = clock();
    const versions = await programs.sourceVersions(store);
    const programVersions = new Map(versions.filter((v) => v.entity === 'program').map((v) => [v.id, v.version]));
    const directoryVersion = directoryVersionOf(versions);
    const changed = [...programVersions].filter(([id, v]) => state!.programVersions.get(id) !== v).map(([id]) => id);
    const removed = [...state.programVersions.keys()].filter((id) => !programVersions.has(id));
    let index = state.index;
    if (changed.length || removed.length) {
      const changes = new Map<string, IndexableProgram[]>([...changed, ...removed].map((id) => [id, []]));
      if (changed.length) for (const r of await programs.indexable(store, changed)) changes.get(r.sourceId)?.push(r);
      index = index.withSources(changes);
    }
    if (directoryVersion !== state.directoryVersion) index = index.withProviders(await organizations.locations(store));
    state = { index: index === state.index ? index : await index.warmInSteps(), programVersions, directoryVersion };
    if (!index.isMerged) mergeLater(index);
    return state.index;
  }

  /**
   * A changed source is searched in its own segment at once; the segments are merged again (see
   * merge.ts) in steps behind the answers, and the merged index replaces this one unless a newer
   * change came first. Same answers either way, the merged index faster.
   */
  function mergeLater(index: SearchIndex): void {
    index
      .mergedInSteps()
      .then((merged) => merged.warmInSteps())
      .then((merged) => {
        if (state?.index === index) state = { ...state, index: merged };
      })
      // Merging reads only the index; should it fail, the unmerged index keeps answering the same.
      .catch(() => {});
  }

  function run(): Promise<SearchIndex> {
    // During a background first build, searches answer from what is built so far, at once.
    if (!state && partial) return Promise.resolve(partial);
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
    ready: () => (state ? Promise.resolve() : startFirst()),
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
