/**
 * Parsing on a worker thread stores exactly what parsing in place stores: the same consultation
 * log — with bad rows, a repeated number and ids another source already holds — synced both ways
 * into two stores leaves identical records, rollups, rejections and counts. A file the worker
 * finds unusable fails the source and keeps its last good data.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadAgencyConfigs, type AgencyConfig, type SourceConfig, type SpreadsheetSourceConfig } from '../core/config';
import { createAdapterContext } from '../core/adapter';
import { generateConsultationLogs, renderConsultationCsv, type ConsultationRow } from '../../demo/consultations';
import type { Store } from '../../store/store';
import { openTestStore } from '../../test/support/store';
import { PARSE_WORKER_NICE, createPreparePool, type PreparePool } from './offload';
import { prepareSource } from './pipeline';
import { syncSource } from './sync';

const CLOCK = () => new Date('2026-11-25T03:00:00Z');
let dir: string;
let agency: AgencyConfig;
let log: SourceConfig;
let older: SourceConfig;
let pool: PreparePool;
let jobs = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-offload-'));
  const rows = generateConsultationLogs({ total: 8000 }).get('hyogo-iac')!;
  const bad: ConsultationRow[] = [
    { ...rows[3], number: 'X-1', receivedAt: '令和7年13月40日' },
    { ...rows[4], number: 'X-2', municipalityCode: '282011' },
    { ...rows[5] }, // the same 相談番号 as row 5 again
  ];
  writeFileSync(join(dir, 'hyogo-iac.csv'), renderConsultationCsv([...rows, ...bad]));
  // An older log under another source id that already holds a few of the same numbers.
  writeFileSync(join(dir, 'older.csv'), renderConsultationCsv(rows.slice(10, 15)));
  writeFileSync(
    join(dir, 'broken.csv'),
    renderConsultationCsv(rows.slice(0, 20).map((r) => ({ ...r, receivedAt: 'いつか' }))),
  );
  agency = loadAgencyConfigs(resolve(__dirname, '..', '..', 'agencies'), {
    ...process.env,
    MADOGUCHI_CONSULTATION_DIR: dir,
  }).find((a) => a.id === 'hyogo-iac')!;
  log = agency.sources.find((s) => s.entity === 'consultation')!;
  older = { ...log, id: 'older-log', location: join(dir, 'older.csv') } as SourceConfig;
  const real = createPreparePool(1);
  pool = { prepare: (job) => ((jobs += 1), real.prepare(job)), close: () => real.close() };
});

afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

async function syncedStore(withPool: boolean): Promise<Store> {
  const store = await openTestStore('empty');
  const ctx = createAdapterContext({ clock: CLOCK });
  await syncSource(store, agency, older, ctx);
  const report = await syncSource(store, agency, log, ctx, withPool ? { pool, offloadMinBytes: 0 } : {});
  expect(report.outcome).toBe('updated');
  return store;
}

const dump = (store: Store) =>
  Promise.all([
    store.query('select * from consultations order by id'),
    store.query(
      'select * from consultation_rollups order by source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics',
    ),
    store.query(
      'select source_id, ordinal, row_number, field, value, reason from ingest_rejections order by source_id, ordinal',
    ),
    store.query('select id, status, accepted_count, rejected_count, content_hash from sources order by id'),
  ]);

test('a worker-parsed snapshot is stored exactly as one parsed in place', async () => {
  const viaWorker = await syncedStore(true);
  const inPlace = await syncedStore(false);
  expect(jobs).toBe(1);
  const [records, rollups, rejections, sources] = await dump(viaWorker);
  expect(await dump(inPlace)).toEqual([records, rollups, rejections, sources]);
  // What the fixture holds: bad rows and the repeat refused, the older source's ids kept there.
  expect(records.length).toBeGreaterThan(1000);
  const reasons = rejections
    .filter((r) => r.source_id === 'hyogo-iac/consultations')
    .map((r) => `${r.field}: ${r.reason}`);
  expect(reasons.some((r) => r.startsWith('id: id already provided by source hyogo-iac/older-log'))).toBe(true);
  expect(reasons.some((r) => r.startsWith('id: duplicate id'))).toBe(true);
  // Fields are named as the agency's file names them.
  expect(reasons).toContain('受付日: 令和7年13月40日 is not a calendar date');
  expect(reasons).toContain('所在地コード: check digit of 全国地方公共団体コード does not match');
  expect(rollups.filter((r) => r.source_id === 'hyogo-iac/consultations').length).toBeGreaterThan(100);
  await Promise.all([viaWorker.close(), inPlace.close()]);
});

test('a file the worker cannot use fails the source and keeps its last good data', async () => {
  const store = await syncedStore(true);
  const before = await store.query<{ n: number }>(
    `select count(*)::int as n from consultations where source_id = 'hyogo-iac/consultations'`,
  );
  const broken = { ...log, location: join(dir, 'broken.csv') } as SourceConfig;
  const report = await syncSource(store, agency, broken, createAdapterContext({ clock: CLOCK }), {
    pool,
    offloadMinBytes: 0,
  });
  expect(report.outcome).toBe('failed');
  expect(report.error).toMatch(
    /every one of 20 rows was refused; keeping the last good data\. Top reasons: 20 × 受付日: "…" is not a recognizable date\. For example: row 2 受付日 "いつか"/,
  );
  expect(
    await store.query(`select count(*)::int as n from consultations where source_id = 'hyogo-iac/consultations'`),
  ).toEqual(before);
  const [source] = await store.query<{ status: string; stale: boolean }>(
    `select status, stale from sources where id = 'hyogo-iac/consultations'`,
  );
  expect(source).toEqual({ status: 'FAILED', stale: true });
  await store.close();
});

test('jobs queued on one worker come back each with its own answer, as parsing in place gives it', async () => {
  const single = createPreparePool(1);
  try {
    const provenance = (id: string) => ({
      sourceId: `hyogo-iac/${id}`,
      agencyId: 'hyogo-iac',
      sourceKind: 'SPREADSHEET' as const,
      sourceLocation: id,
      fetchedAt: CLOCK().toISOString(),
      contentHash: id,
    });
    const jobs = ['hyogo-iac.csv', 'broken.csv', 'older.csv'].map((file) => ({
      agency,
      source: log as SpreadsheetSourceConfig,
      input: { body: readFileSync(join(dir, file)) },
      provenance: provenance(file),
      recordKeySecret: 'offload-test-record-key-secret',
    }));
    // All three are handed over at once: the worker takes them in turn while none is answered.
    const viaWorker = await Promise.all(jobs.map((job) => single.prepare(job)));
    const inPlace = await Promise.all(jobs.map((job) => prepareSource(job)));
    expect(viaWorker).toEqual(inPlace);
    expect(viaWorker.map((r) => r.ok)).toEqual([true, false, true]);
    expect(viaWorker[2].ok && viaWorker[2].encoded.ids).toHaveLength(5);
  } finally {
    await single.close();
  }
});

/** Nice values of this process's threads, from /proc (Linux), by thread id. */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    nices.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return nices;
}

const onLinux = process.platform === 'linux' ? test : test.skip;
if (process.platform !== 'linux')
  console.warn('offload.test: thread priorities are checked on Linux only; skipped here');

onLinux('an eager pool starts its worker at once, at a lower priority than the main thread', async () => {
  const before = threadNices();
  const eager = createPreparePool(1, { eager: true });
  try {
    // Nothing is asked of it: the worker starts on its own and lowers its own priority.
    const lowered = () => [...threadNices()].some(([tid, nice]) => !before.has(tid) && nice === PARSE_WORKER_NICE);
    for (let waited = 0; !lowered() && waited < 15_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(lowered()).toBe(true);
    const after = threadNices();
    expect(after.get(process.pid)).toBe(before.get(process.pid));
  } finally {
    await eager.close();
  }
});

test('a worker takes the largest queued file first, so a small one is left for last', async () => {
  const single = createPreparePool(1);
  try {
    const job = (file: string, tag: string) => ({
      agency,
      source: log as SpreadsheetSourceConfig,
      input: { body: readFileSync(join(dir, file)) },
      provenance: {
        sourceId: `hyogo-iac/${tag}`,
        agencyId: 'hyogo-iac',
        sourceKind: 'SPREADSHEET' as const,
        sourceLocation: file,
        fetchedAt: CLOCK().toISOString(),
        contentHash: tag,
      },
      recordKeySecret: 'offload-test-record-key-secret',
    });
    const answered: string[] = [];
    const ask = (file: string, tag: string) => single.prepare(job(file, tag)).then(() => void answered.push(tag));
    // The first keeps the worker busy while the other three queue up behind it, smallest first.
    const first = ask('hyogo-iac.csv', 'first');
    await Promise.all([first, ask('older.csv', 'small'), ask('broken.csv', 'medium'), ask('hyogo-iac.csv', 'large')]);
    expect(answered).toEqual(['first', 'large', 'medium', 'small']);
  } finally {
    await single.close();
  }
});
