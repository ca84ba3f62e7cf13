import type { Queryable } from '../../../store/store';
import { createSearchIndexHolder, searchIndexFor } from './holder';
import type { IndexableProgram } from '.';

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
