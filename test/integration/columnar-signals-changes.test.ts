/**
 * The columnar growth refresh writes only the rows that changed since its last refresh; the
 * tables must still end exactly as a full rewrite leaves them. Two copies of the demo store, on
 * this pass's engine (PGlite, or PostgreSQL with DATABASE_URL), receive the same random changes
 * — new consultations as the reference day moves on (older ones leaving the window), an agency's
 * next file dropping records, sole proprietors' records confirmed as one firm, hand-offs — and
 * after each, one is refreshed on the mirror (only the changes, where it can) and the other by
 * the store's full SQL refresh; their tables are compared row for row. Then the store is written
 * behind the mirror's back, and the mirror's next refresh must rewrite every row.
 */
import type { Store } from '../../store/store';
import { refreshGrowthSignals } from '../../store/signals';
import { ConsultationMirror } from '../../store/columnar/mirror';
import { CHANGED_SHARE_LIMIT, refreshFromMirror, type MirrorRefreshResult } from '../../store/columnar/signals';
import { confirmMatch } from '../../store/firms';
import { replaceSource } from '../../store/ingest';
import { selectList } from '../../store/tables';
import { mulberry32 } from '../../demo/consultations';
import type { ConsultationRecord } from '../../domain/records';
import { growthWeights } from '../../domain/growth/weights';
import { FIXED_NOW } from '../support/paths';
import { openTestStore } from '../support/store';

const DAY_MS = 86_400_000;

let incremental: Store;
let full: Store;
let mirror: ConsultationMirror;

beforeAll(async () => {
  [incremental, full] = await Promise.all([openTestStore('demo'), openTestStore('demo')]);
  mirror = await ConsultationMirror.open(incremental, { threads: 1, readers: 1 });
});

afterAll(async () => {
  await mirror?.close();
  await incremental?.close();
  await full?.close();
});

const tables = async (store: Store) => ({
  signals: await store.query('select * from firm_signals order by firm_id'),
  clients: await store.query('select * from firm_clients order by firm_id, organization_id'),
  state: await store.query('select weights_version, as_of, firms from growth_state'),
});

async function expectSameTables(): Promise<void> {
  const [mine, theirs] = await Promise.all([tables(incremental), tables(full)]);
  expect(mine.signals.length).toBeGreaterThan(1000);
  expect(mine.signals.length).toBe(theirs.signals.length);
  expect(mine.signals).toEqual(theirs.signals);
  expect(mine.clients.length).toBe(theirs.clients.length);
  expect(mine.clients).toEqual(theirs.clients);
  expect(mine.state).toEqual(theirs.state);
}

/** Both stores refreshed: the mirror's way and the full SQL refresh; the tables compared. */
async function refreshBoth(now: Date): Promise<MirrorRefreshResult> {
  const result = await refreshFromMirror(incremental, mirror, { now });
  await refreshGrowthSignals(full, { now });
  await expectSameTables();
  return result;
}

const both = (fn: (store: Store) => Promise<unknown>) => Promise.all([fn(incremental), fn(full)]);

async function recordsOf(sourceId: string): Promise<ConsultationRecord[]> {
  return incremental.query<ConsultationRecord>(
    `select ${selectList('consultation', 'c')} from consultations c where source_id = $1 order by id`,
    [sourceId],
  );
}

/** An agency's next file, on both stores: its records changed by `change`. */
async function resend(sourceId: string, records: ConsultationRecord[], tag: string): Promise<void> {
  await both((store) =>
    replaceSource(store, {
      sourceId,
      entity: 'consultation',
      records,
      rejections: [],
      contentHash: tag,
      etag: null,
      lastModified: null,
      at: FIXED_NOW.toISOString(),
    }),
  );
}

/** Two records of one sole proprietor at different agencies, not yet linked: a match to confirm. */
async function unlinkedPair(pick: number): Promise<string[] | null> {
  const pairs = await incremental.query<{ ids: string[] }>(
    `select array_agg(firm_id order by firm_id) as ids from firm_signals
     where kind = 'LOCAL' group by name_key, municipality_code having count(*) >= 2 order by 1`,
  );
  return pairs.length ? pairs[pick % pairs.length].ids.slice(0, 2) : null;
}

describe('the columnar growth refresh writing only what changed', () => {
  it('leaves the tables as the full refresh does, whatever changed in between', async () => {
    const rng = mulberry32(20261207);
    const sources = (
      await incremental.query<{ id: string }>(
        `select source_id as id from consultations group by source_id order by source_id`,
      )
    ).map((s) => s.id);
    let now = FIXED_NOW;
    const first = await refreshBoth(now);
    expect(first.write).toBe('full');
    expect(first.fullBecause).toBe('no rows held from an earlier refresh');
    const writes: MirrorRefreshResult[] = [];
    for (let step = 0; step < 8; step++) {
      // The reference day moves on by a day to a month; new records arrive up to it.
      now = new Date(now.getTime() + (1 + Math.floor(rng() * 30)) * DAY_MS);
      const sourceId = sources[Math.floor(rng() * sources.length)];
      const records = await recordsOf(sourceId);
      const landed = Array.from({ length: 5 + Math.floor(rng() * 40) }, (_, i) => {
        const model = records[Math.floor(rng() * records.length)];
        const at = new Date(now.getTime() - Math.floor(rng() * 5) * DAY_MS);
        return {
          ...model,
          id: `${model.id}-s${step}n${i}`,
          localId: `${model.localId}-s${step}n${i}`,
          receivedAt: at.toISOString(),
          employees: rng() < 0.3 ? Math.floor(rng() * 200) : model.employees,
          referredToId: null,
        };
      });
      // The agency's file also drops a few of its older records.
      const kept = records.filter(() => rng() >= 0.01);
      await resend(sourceId, [...kept, ...landed], `step-${step}`);
      if (rng() < 0.5) {
        const pair = await unlinkedPair(Math.floor(rng() * 1000));
        if (pair) await both((store) => confirmMatch(store, pair, 'coordinator', now.toISOString()));
      }
      if (rng() < 0.6) {
        const candidates = await incremental.query<{ id: string; organizationId: string }>(
          `select id, organization_id as "organizationId" from consultations
           where referred_to_id is null and (corporate_number is not null or company_name is not null)
             and id not in (select consultation_id from referrals) and organization_id <> 'hyogo-cgc'
           order by id limit 200`,
        );
        const c = candidates[Math.floor(rng() * candidates.length)];
        await both((store) =>
          store.query(
            `insert into referrals (consultation_id, from_organization_id, to_organization_id, referred_by) values ($1, $2, 'hyogo-cgc', 'staff')`,
            [c.id, c.organizationId],
          ),
        );
      }
      writes.push(await refreshBoth(now));
    }
    // The refresh wrote only changes most of the time, and some each time it did.
    const partial = writes.filter((w) => w.write === 'changes');
    expect(partial.length).toBeGreaterThanOrEqual(4);
    for (const w of partial) {
      expect(w.rowsWritten).toBeGreaterThan(0);
      // (The limit is a share of the rows held before the refresh; rowsHeld counts those after.)
      expect(w.rowsWritten).toBeLessThanOrEqual(w.rowsHeld * CHANGED_SHARE_LIMIT * 1.05);
    }
    // Nothing changed: nothing written.
    const again = await refreshFromMirror(incremental, mirror, { now });
    expect(again).toMatchObject({ write: 'changes', rowsWritten: 0 });
    await expectSameTables();
  });

  it('rewrites every row when the store was written behind its back', async () => {
    const now = new Date(FIXED_NOW.getTime() + 400 * DAY_MS);
    await refreshBoth(now);
    // A hand edit the mirror's rows cannot know of: a firm's signals gone, a client added.
    const [victim] = await incremental.query<{ id: string }>(
      `select firm_id as id from firm_signals order by score desc, firm_id limit 1`,
    );
    await incremental.query('delete from firm_signals where firm_id = $1', [victim.id]);
    await incremental.query(`insert into firm_clients (firm_id, organization_id) values ($1, 'nobody')`, [victim.id]);
    const afterEdit = await refreshFromMirror(incremental, mirror, { now });
    expect(afterEdit).toMatchObject({ write: 'full', fullBecause: 'the store was written since' });
    await expectSameTables();

    // Another process writes after the refresh compared its rows, before it takes the lock.
    await refreshBoth(now);
    const [bystander] = await incremental.query<{ id: string }>(
      `select firm_id as id from firm_signals order by score desc, firm_id limit 1 offset 1`,
    );
    const racing = new Proxy(incremental, {
      get(target, key) {
        if (key === 'transaction')
          return async (fn: Parameters<Store['transaction']>[0]) => {
            await target.query('delete from firm_clients where firm_id = $1', [bystander.id]);
            return target.transaction(fn);
          };
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const raced = await refreshFromMirror(racing, mirror, { now });
    expect(raced).toMatchObject({ write: 'full', fullBecause: 'the store was written since', rowsChanged: 0 });
    await expectSameTables();

    // The SQL refresh of a match's firms, as confirming a match runs it.
    const pair = await unlinkedPair(0);
    expect(pair).not.toBeNull();
    const [confirmed] = await Promise.all([
      confirmMatch(incremental, pair!, 'coordinator', now.toISOString()),
      confirmMatch(full, pair!, 'coordinator', now.toISOString()),
    ]);
    await refreshGrowthSignals(incremental, {
      only: { records: confirmed.changed, firmIds: [...pair!, confirmed.firmId] },
      now,
    });
    const afterMatch = await refreshFromMirror(incremental, mirror, { now });
    expect(afterMatch).toMatchObject({ write: 'full', fullBecause: 'the store was written since' });
    await refreshGrowthSignals(full, { now });
    await expectSameTables();
    const [network] = await incremental.query<{ n: number }>(
      `select count(*)::int as n from firm_signals where firm_id = $1`,
      [confirmed.firmId],
    );
    expect(network.n).toBe(1);

    // Other weights than the rows held were scored with.
    await refreshFromMirror(incremental, mirror, { now });
    const other = { ...growthWeights(), version: 'other-weights' };
    const reweighed = await refreshFromMirror(incremental, mirror, { now, weights: other });
    expect(reweighed).toMatchObject({ write: 'full', fullBecause: 'other weights' });
    await refreshGrowthSignals(full, { now, weights: other });
    await expectSameTables();
  });
});
