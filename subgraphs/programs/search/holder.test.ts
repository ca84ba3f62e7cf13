import type { Queryable } from '../../../store/store';
import type { SearchIndex } from './index';
import { createSearchIndexHolder, searchIndexFor } from './holder';
import { createSearchIndex, type IndexableProgram } from '.';

const TODAY = '2026-11-25';

function program(id: string, title: string): IndexableProgram {
  const providerId = id.split(':')[0];
  return {
    id,
    providerId,
    sourceId: `${providerId}/programs`,
    title,
    titleKana: null,
    summary: null,
    body: null,
    kind: 'CONSULTATION',
    supportFields: [],
    purposes: [],
    areaCodes: [],
    areaText: null,
    industries: [],
    employeeCeiling: null,
    eligibilityText: null,
    opensOn: null,
    closesOn: null,
    publishedStatus: null,
  };
}

/** A store answering the holder's few queries from memory, recording each statement. */
function fakeStore() {
  const state = {
    sources: [
      { id: 'a/programs', entity: 'program', version: 'v1' },
      { id: 'b/programs', entity: 'program', version: 'v1' },
      { id: 'a/directory', entity: 'organization', version: 'v1' },
    ],
    programs: [program('a:1', '創業相談'), program('b:1', '融資相談')],
    organizations: [{ id: 'a', municipalityCode: '131164', lat: null, lng: null }],
    statements: [] as string[],
    fail: false,
  };
  const store: Queryable = {
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      state.statements.push(sql);
      if (state.fail) throw new Error('store unavailable');
      if (sql.includes('from sources')) return state.sources as T[];
      if (sql.includes('from organizations')) return state.organizations as T[];
      if (sql.includes('source_id = any'))
        return state.programs.filter((p) => (params[0] as string[]).includes(p.sourceId)) as T[];
      return state.programs as T[];
    },
  };
  return { store, state };
}

const ids = (index: { search(r: { text: string; today: string }): { hits: Array<{ id: string }> } }, text: string) =>
  index.search({ text, today: TODAY }).hits.map((h) => h.id);

test('nothing is read before the first search; then versions, programmes and providers once', async () => {
  const { store, state } = fakeStore();
  const holder = createSearchIndexHolder(store);
  expect(state.statements).toHaveLength(0);
  const index = await holder.current();
  expect(ids(index, '相談').sort()).toEqual(['a:1', 'b:1']);
  expect(state.statements).toHaveLength(3);
});

test('a changed source is reloaded alone; a removed one disappears', async () => {
  const { store, state } = fakeStore();
  const holder = createSearchIndexHolder(store, { refreshIntervalMs: 0 });
  await holder.current();
  state.statements.length = 0;
  expect(ids(await holder.current(), '創業')).toEqual(['a:1']);
  expect(state.statements).toEqual([expect.stringContaining('from sources')]);

  state.programs = [program('a:1', '創業相談'), program('a:2', '事業承継'), program('b:1', '融資相談')];
  state.sources[0].version = 'v2';
  state.statements.length = 0;
  const index = await holder.current();
  expect(ids(index, '承継')).toEqual(['a:2']);
  expect(state.statements.filter((s) => s.includes('source_id = any'))).toHaveLength(1);

  state.sources.splice(1, 1);
  expect(ids(await holder.current(), '融資')).toEqual([]);
});

test('checks wait for the interval, concurrent requests share one, and a failed check keeps the index', async () => {
  const { store, state } = fakeStore();
  let now = 0;
  const holder = createSearchIndexHolder(store, { refreshIntervalMs: 1000, clock: () => now });
  const first = await holder.current();
  state.statements.length = 0;
  now = 500;
  expect(await holder.current()).toBe(first);
  expect(state.statements).toHaveLength(0);
  now = 1500;
  const [x, y] = await Promise.all([holder.current(), holder.current()]);
  expect(x).toBe(y);
  expect(state.statements).toHaveLength(1);
  state.fail = true;
  now = 3000;
  expect(await holder.refresh()).toBe(x);
});

test('a failing first build is an error, retried by the next request', async () => {
  const { store, state } = fakeStore();
  const holder = createSearchIndexHolder(store);
  state.fail = true;
  await expect(holder.current()).rejects.toThrow('store unavailable');
  state.fail = false;
  expect((await holder.current()).size).toBe(2);
});

test('one holder per store', () => {
  const { store } = fakeStore();
  expect(searchIndexFor(store)).toBe(searchIndexFor(store));
  expect(searchIndexFor(fakeStore().store)).not.toBe(searchIndexFor(store));
});

test('a changed source is searched at once in its own segment, then merged behind the answers', async () => {
  const { store, state } = fakeStore();
  let now = 0;
  const holder = createSearchIndexHolder(store, { refreshIntervalMs: 1000, clock: () => now });
  expect((await holder.current()).isMerged).toBe(true);
  state.programs = [program('a:1', '創業相談'), program('a:2', '事業承継'), program('b:1', '融資相談')];
  state.sources[0].version = 'v2';
  const changed = await holder.refresh();
  expect(changed.isMerged).toBe(false);
  expect(ids(changed, '承継')).toEqual(['a:2']);
  // The merge runs in steps behind the answers; no check is due, so what changes is the merge alone.
  let current = await holder.current();
  for (let i = 0; i < 100 && !current.isMerged; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    current = await holder.current();
  }
  expect(current.isMerged).toBe(true);
  expect(current).not.toBe(changed);
  expect(ids(current, '融資')).toEqual(['b:1']);
  expect(ids(current, '承継')).toEqual(['a:2']);
});

/** A store of 30 sources × 40 programmes whose 11th source's rows wait until `open` is called. */
function largeStore() {
  const sources = Array.from({ length: 30 }, (_, s) => `s${String(s).padStart(2, '0')}`);
  const programs = sources.flatMap((s, k) =>
    Array.from({ length: 40 }, (_, i) => ({
      ...program(`${s}:${String(i).padStart(2, '0')}`, i % 2 ? `創業支援${k}` : `融資相談${i}`),
      areaCodes: [['280003', '131164', '000000'][(k + i) % 3]],
      purposes: i % 3 ? ['販路拡大'] : [],
      // Periods and published statuses, numbered on the worker and carried back with its segments.
      opensOn: i % 4 ? null : '2026-04-01',
      closesOn: i % 4 ? null : '2027-03-31',
      publishedStatus: ([null, 'CLOSED', 'OPEN', 'UPCOMING'] as const)[(k + i) % 4],
    })),
  );
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const store: Queryable = {
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      if (sql.includes('from sources'))
        return sources.map((s) => ({ id: `${s}/programs`, entity: 'program', version: 'v1', accepted: 40 })) as T[];
      if (sql.includes('from organizations')) return [] as T[];
      const wanted = params[0] as string[];
      if (wanted.includes('s10/programs')) await gate;
      return programs.filter((p) => wanted.includes(p.sourceId)) as T[];
    },
  };
  return { store, programs, open };
}

const settle = async (holder: { current(): Promise<SearchIndex> }, done: (i: SearchIndex) => boolean) => {
  let index = await holder.current();
  for (let i = 0; i < 600 && !done(index); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    index = await holder.current();
  }
  return index;
};

test('a large first build runs on a worker thread; a search meanwhile answers at once from the sources built so far', async () => {
  const { store, programs, open } = largeStore();
  const holder = createSearchIndexHolder(store, { backgroundBuildFrom: 1000 });
  // Ready to serve although the build cannot end: the 11th source's rows are held back.
  await holder.ready();
  const first = await holder.current();
  expect(first.indexing).toEqual({ indexed: expect.any(Number), total: 1200 });
  // The ten sources before the held one get built; the search answers from them, the build still blocked.
  const partial = await settle(holder, (i) => i.indexing?.indexed === 400);
  expect(partial.indexing).toEqual({ indexed: 400, total: 1200 });
  const found = partial.search({ text: '融資', today: TODAY, limit: 100 }).hits.map((h) => h.id);
  expect(found.length).toBeGreaterThan(0);
  expect(found.every((id) => id < 's10')).toBe(true);
  open();
  const complete = await settle(holder, (i) => i.indexing === null);
  expect(complete.indexing).toBeNull();
  expect(complete.size).toBe(1200);
  expect(complete.isMerged).toBe(true);
  // The segments built on the worker answer exactly as an index built here does.
  const here = createSearchIndex(programs);
  for (const request of [
    { text: '創業', today: TODAY, limit: 50 },
    { text: '', today: TODAY, filter: { municipalityCode: '131164' }, limit: 100 },
    { text: '融資相談', today: TODAY, offset: 10 },
    { text: '', today: TODAY, filter: { status: ['OPEN' as const] }, limit: 100 },
    { text: '創業', today: TODAY, filter: { status: ['CLOSED' as const, 'UPCOMING' as const] }, limit: 100 },
  ])
    expect(complete.search(request)).toEqual(here.search(request));
}, 60_000);
