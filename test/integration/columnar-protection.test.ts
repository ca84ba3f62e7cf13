/**
 * What analysts are shown must not depend on which engine counted: the consultations subgraph
 * over this pass's store (PGlite, or PostgreSQL with DATABASE_URL) counts on the columnar mirror,
 * and the same subgraph over the same store seen without CSV export (no mirror can open) counts
 * with the store's rollups and records. On the same random analyst tables, both must publish the
 * same perturbed values (the cell-key noise of the same records), withhold the same cells, charge
 * each analyst's budget the same cells for the same tables and refuse the same table once the
 * budget is spent; coordinators must read the same exact counts from both. And what both publish
 * must be the cell-key method applied cell by cell (perturbTable) to the store's own records.
 */
import pino from 'pino';
import { fetch } from 'undici';
import type { Store } from '../../store/store';
import { findSubgraph } from '../../subgraphs';
import { startSubgraph } from '../../subgraphs/server';
import type { RunningServer } from '../../server/http';
import { signIdentity, type Viewer } from '../../server/identity';
import { closeColumnar, columnarMirrorFor } from '../../store/columnar';
import { mulberry32 } from '../../demo/consultations';
import { openTestStore } from '../support/store';
import { analystShape, statsVocabulary } from '../support/stats-shapes';
import { FIXED_NOW } from '../support/paths';
import { defaultSettings } from '../../server/settings';
import { countConsultations, type StatsDimension } from '../../store/stats';
import { perturbTable } from '../../domain/disclosure';

const SECRET = 'columnar-protection-identity-secret-of-enough-length';
/** Small enough that the random tables below spend it part-way through. */
const CELLS_PER_DAY = 2_500;

const STATS = `query($groupBy: [StatsDimension!]!, $filter: StatsFilter) {
  consultationStats(groupBy: $groupBy, filter: $filter) { total cells { keys { value } count suppressed } } }`;

let store: Store;
let columnar: RunningServer;
let storePath: RunningServer;
let organizations: string[];
let topics: string[];
let months: string[];

/** The same store, seen without CSV export: the mirror cannot open, the store counts. */
function withoutCsvExport(s: Store): Store {
  return {
    kind: s.kind,
    shared: s.shared,
    query: (sql, params) => s.query(sql, params),
    copyFromCsv: (table, columns, csv) => s.copyFromCsv!(table, columns, csv),
    transaction: (fn) => s.transaction(fn),
    listen: (channel, onPayload) => s.listen(channel, onPayload),
    close: async () => {},
  };
}

beforeAll(async () => {
  store = await openTestStore('demo');
  const module = findSubgraph('consultations')!;
  const options = {
    port: 0,
    identitySecret: SECRET,
    now: () => FIXED_NOW,
    logger: pino({ level: 'silent' }),
    settings: defaultSettings({ analystCellsPerDay: CELLS_PER_DAY }),
  };
  columnar = await startSubgraph(module, store, options);
  storePath = await startSubgraph(module, withoutCsvExport(store), options);
  ({ organizations, topics, months } = await statsVocabulary(store));
});

afterAll(async () => {
  await columnar?.close();
  await storePath?.close();
  if (store) await closeColumnar(store);
  await store?.close();
});

const ask = (server: RunningServer, viewer: Viewer, variables: Record<string, unknown>) =>
  askWith(STATS, server, viewer, variables);

async function askWith(query: string, server: RunningServer, viewer: Viewer, variables: Record<string, unknown>) {
  const body = JSON.stringify({ query, variables });
  const res = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signIdentity(viewer, SECRET, { subgraph: 'consultations', body }),
    },
    body,
  });
  return (await res.json()) as {
    data?: {
      consultationStats: {
        total: number | null;
        suppressedCells?: number;
        cells: Array<{ count: number | null; suppressed: boolean }>;
      };
    };
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
}

const charges = (subject: string) =>
  store.query<{ table_key: string; cells: number }>(
    'select table_key, cells from analyst_charges where subject = $1 order by table_key',
    [subject],
  );

test('the columnar path and the store path publish, withhold, charge and refuse alike', async () => {
  const rand = mulberry32(2028);
  const analystOnMirror: Viewer = { role: 'analyst', subject: 'analyst-columnar', agencyId: null };
  const analystOnStore: Viewer = { role: 'analyst', subject: 'analyst-store', agencyId: null };
  const coordinator: Viewer = { role: 'coordinator', subject: 'coordinator', agencyId: null };
  let granted = 0;
  let refused = 0;
  let withheld = 0;
  let perturbed = 0;
  for (let i = 0; i < 40; i++) {
    const variables = analystShape(rand, { organizations, topics, months });
    // Each table twice: asking again is free, and must read the same values on either path.
    for (let round = 0; round < 2; round++) {
      const [a, b] = await Promise.all([
        ask(columnar, analystOnMirror, variables),
        ask(storePath, analystOnStore, variables),
      ]);
      expect({ variables, answer: a }).toEqual({ variables, answer: b });
      if (round > 0) continue;
      if (a.errors) {
        expect(a.errors[0].extensions?.code).toBe('RATE_LIMITED');
        refused += 1;
        continue;
      }
      granted += 1;
      const [exactA, exactB] = await Promise.all([
        ask(columnar, coordinator, variables),
        ask(storePath, coordinator, variables),
      ]);
      expect(exactA).toEqual(exactB);
      const shown = a.data!.consultationStats.cells;
      const exact = exactA.data!.consultationStats.cells;
      expect(shown).toHaveLength(exact.length);
      shown.forEach((c, j) => {
        if (c.suppressed) withheld += 1;
        else if (c.count !== exact[j].count) perturbed += 1;
      });
    }
  }
  // Both paths really ran: the mirror was loaded for the one store, never for the other.
  expect((await columnarMirrorFor(store))?.reloads).toBeGreaterThan(0);
  // The comparison covered what protection does: noise, withheld cells, grants and refusals.
  expect(perturbed).toBeGreaterThan(50);
  expect(withheld).toBeGreaterThan(0);
  expect(granted).toBeGreaterThan(5);
  expect(refused).toBeGreaterThan(0);
  // The same tables charged the same cells to either analyst.
  const [onMirror, onStore] = await Promise.all([charges('analyst-columnar'), charges('analyst-store')]);
  expect(onMirror.length).toBe(granted);
  expect(onMirror).toEqual(onStore);
  expect(onMirror.reduce((s, c) => s + c.cells, 0)).toBeLessThanOrEqual(CELLS_PER_DAY);
});

test('what the subgraph publishes is the cell-key method applied cell by cell to the store’s own records', async () => {
  // The reference: the store's record path (no mirror, no rollups) and the per-cell perturbTable,
  // independent of the columns the subgraph's answer is built from.
  const query = `query($groupBy: [StatsDimension!]!, $filter: StatsFilter) {
    consultationStats(groupBy: $groupBy, filter: $filter) { total suppressedCells cells { keys { dimension value } count suppressed } } }`;
  const rand = mulberry32(2029);
  let compared = 0;
  let withheld = 0;
  for (let i = 0; i < 25; i++) {
    const { groupBy, filter } = analystShape(rand, { organizations, topics, months });
    const counts = await countConsultations(store, groupBy as StatsDimension[], filter, { useRollups: false });
    const reference = perturbTable(counts);
    const shape = (cells: Array<{ keys: string[]; count: number | null }>) =>
      cells.map((c) => ({
        keys: c.keys.map((value, d) => ({ dimension: groupBy[d], value })),
        count: c.count,
        suppressed: c.count === null,
      }));
    // A subject of its own per table: a fresh budget, and its charge read alone.
    const subject = `analyst-reference-${i}`;
    const answer = await askWith(query, columnar, { role: 'analyst', subject, agencyId: null }, { groupBy, filter });
    if (counts.cells.length + 1 > CELLS_PER_DAY) {
      expect(answer.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
      continue;
    }
    expect(answer.data!.consultationStats).toEqual({
      total: reference.total,
      suppressedCells: reference.cells.filter((c) => c.count === null).length,
      cells: shape(reference.cells),
    });
    expect(await charges(subject)).toEqual([{ table_key: expect.any(String), cells: counts.cells.length + 1 }]);
    const exact = await askWith(
      query,
      columnar,
      { role: 'coordinator', subject: 'c', agencyId: null },
      { groupBy, filter },
    );
    expect(exact.data!.consultationStats).toEqual({
      total: counts.total,
      suppressedCells: 0,
      cells: shape(counts.cells),
    });
    compared += 1;
    withheld += reference.cells.filter((c) => c.count === null).length;
  }
  expect(compared).toBeGreaterThan(15);
  expect(withheld).toBeGreaterThan(0);
});
