/**
 * The one-stop search stays true to the store: a status the programme's page publishes agrees
 * across search, Program.status and Query.programs, and the index follows a sync without a
 * restart, rebuilding only the source that changed. Each test opens its own demo store.
 */
import { replaceSource } from '../../store/ingest';
import type { ProgramRecord } from '../../domain/records';
import { countingStore, type Store } from '../../store/store';
import { selectList } from '../../store/tables';
import { FIXED_NOW } from '../support/paths';
import { openTestStore } from '../support/store';
import { startInProcessSupergraph } from '../support/supergraph';
import { type Connection, SEARCH } from '../support/search-graph';

// ---------------------------------------------------------------------------------------------
// Freshness
// ---------------------------------------------------------------------------------------------

describe('freshness', () => {
  let own: Store;
  afterAll(() => own?.close());

  test("a status the programme's page publishes: search, Program.status and Query.programs agree", async () => {
    const badged = await openTestStore('demo');
    const local = await startInProcessSupergraph(
      () => badged,
      () => FIXED_NOW,
    );
    try {
      // A sync of Toshima's programmes whose pages now publish statuses (受付終了, 受付中…): a
      // published CLOSED where the days say open, and badges on programmes with and without days.
      const current = await badged.query<ProgramRecord>(
        `select ${selectList('program')} from programs where source_id = 'toshima-city/programs' order by id`,
      );
      expect(current.length).toBeGreaterThanOrEqual(8);
      // With the days (even) and without (odd): every status comes out at least once.
      const badges: ProgramRecord['publishedStatus'][] = [
        'CLOSED',
        'OPEN',
        'UPCOMING',
        'UPCOMING',
        'OPEN',
        null,
        null,
        'CLOSED',
      ];
      const open = { opensOn: '2026-04-01', closesOn: '2027-03-31' };
      const records = current.map((p, i) => ({
        ...p,
        ...(i % 2 === 0 ? open : { opensOn: null, closesOn: null }),
        publishedStatus: badges[i % badges.length],
      }));
      await replaceSource(badged, {
        sourceId: 'toshima-city/programs',
        entity: 'program',
        records,
        rejections: [],
        contentHash: 'badges',
        etag: null,
        lastModified: null,
        at: '2026-11-25T10:00:00+09:00',
      });
      const run = async <T>(query: string, variables: Record<string, unknown>) => {
        const r = await local.run(query, variables);
        expect(r.errors).toBeUndefined();
        return r.data as T;
      };
      const filter = { providerIds: ['toshima-city'] };
      // Program.status of each, as the page shows it.
      const listed = await run<{ programs: { edges: Array<{ node: { id: string; status: string } }> } }>(
        'query($filter: ProgramFilter) { programs(filter: $filter, first: 100) { edges { node { id status } } } }',
        { filter },
      );
      const statusOf = new Map(listed.programs.edges.map((e) => [e.node.id, e.node.status]));
      expect(statusOf.size).toBe(records.length);
      expect(statusOf.get(records[0].id)).toBe('CLOSED'); // open by its days, closed by its page
      expect(statusOf.get(records[1].id)).toBe('OPEN'); // no days: the badge decides
      expect(statusOf.get(records[2].id)).toBe('OPEN'); // days given: they decide over an UPCOMING badge
      for (const status of ['OPEN', 'UPCOMING', 'CLOSED', 'ONGOING']) {
        const want = [...statusOf].filter(([, s]) => s === status).map(([id]) => id);
        const found = await run<{ search: Connection }>(SEARCH, {
          filter: { ...filter, status: [status] },
          first: 100,
        });
        expect([status, found.search.edges.map((e) => e.node.id).sort()]).toEqual([status, want.sort()]);
        for (const e of found.search.edges) expect(e.node.status).toBe(status);
        const facet = found.search.facets.statuses.find((f) => f.value === status);
        expect(facet?.count ?? 0).toBe(want.length);
        const stored = await run<{ programs: { edges: Array<{ node: { id: string } }> } }>(
          'query($filter: ProgramFilter) { programs(filter: $filter, first: 100) { edges { node { id } } } }',
          { filter: { ...filter, status: [status] } },
        );
        expect([status, stored.programs.edges.map((e) => e.node.id).sort()]).toEqual([status, want.sort()]);
        expect(want.length).toBeGreaterThan(0);
      }
    } finally {
      await local.stop();
      await badged.close();
    }
  });

  test('the index follows a sync without a restart, rebuilding only the source that changed', async () => {
    own = await openTestStore('demo');
    const counter = countingStore(own);
    const local = await startInProcessSupergraph(
      () => counter,
      () => FIXED_NOW,
    );
    try {
      const find = async (text: string) => {
        const r = await local.run(SEARCH, { text, first: 10 });
        expect(r.errors).toBeUndefined();
        return (r.data as { search: Connection }).search;
      };
      expect((await find('量子コンピュータ')).totalCount).toBe(0);
      const before = await find('創業');

      // A sync of Toshima's programmes: one new programme, one withdrawn.
      const current = await own.query<ProgramRecord>(
        `select ${selectList('program')} from programs where source_id = 'toshima-city/programs'`,
      );
      const kept = current.filter((p) => p.id !== 'toshima-city:TSM-006');
      const added: ProgramRecord = {
        ...kept[0],
        id: 'toshima-city:TSM-099',
        localId: 'TSM-099',
        title: '量子コンピュータ活用補助金',
        summary: '区内中小企業の量子コンピュータ活用を補助します。',
        body: null,
        eligibilityText: null,
        purposes: [],
        kind: 'SUBSIDY',
        supportFields: ['DX'],
        sourceRow: 99,
      };
      await replaceSource(own, {
        sourceId: 'toshima-city/programs',
        entity: 'program',
        records: [...kept, added],
        rejections: [],
        contentHash: 'changed',
        etag: null,
        lastModified: null,
        at: '2026-11-25T10:00:00+09:00',
      });

      counter.statements.length = 0;
      const fresh = await find('量子コンピュータ');
      expect(fresh.edges.map((e) => e.node.id)).toEqual(['toshima-city:TSM-099']);
      expect(fresh.edges[0].highlight).toContain('【量子コンピュータ】');
      const after = await find('創業');
      expect(after.totalCount).toBe(before.totalCount - 1);
      // One version check per search, one reload of the changed source, then the page itself.
      const reloads = counter.statements.filter((s) => s.includes('from programs where source_id = any'));
      expect(reloads).toHaveLength(1);
      expect(counter.statements.filter((s) => s.includes('from sources'))).toHaveLength(2);
    } finally {
      await local.stop();
    }
  });
});
