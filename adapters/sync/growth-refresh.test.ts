/**
 * Growth signals follow the consultations a sync writes: a source synced on its own refreshes
 * them; scheduled sources coming due together share one refresh instead of each holding the
 * store for one; a sync run refreshes once, after its consultation logs.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { loadAgencyConfigs } from '../core/config';
import { createAdapterContext } from '../core/adapter';
import { openTestStore } from '../../test/support/store';
import { CACHE_DIR } from '../../test/support/paths';
import { syncAll, syncSource } from './sync';
import { scheduleSyncs } from './scheduler';

const CLOCK = () => new Date('2026-11-25T03:00:00Z');
const dir = join(CACHE_DIR, 'consultations');
const agencies = () =>
  loadAgencyConfigs(resolve(__dirname, '..', '..', 'agencies'), { ...process.env, MADOGUCHI_CONSULTATION_DIR: dir })
    .map((a) => ({ ...a, sources: a.sources.filter((s) => s.entity === 'consultation') }))
    .filter((a) => a.sources.length > 0);

function capture() {
  const lines: Array<{ msg: string; firms?: number }> = [];
  const logger = pino(
    { level: 'info' },
    new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) }),
  );
  return { lines, ctx: createAdapterContext({ clock: CLOCK, logger }) };
}

test('the demo logs are there to sync', () => {
  expect(readdirSync(dir).filter((f) => f.endsWith('.csv')).length).toBeGreaterThan(10);
});

test('one source synced alone refreshes the signals', async () => {
  const store = await openTestStore('demo');
  try {
    await store.query('delete from firm_signals');
    const [first] = agencies();
    const { lines, ctx } = capture();
    expect((await syncSource(store, first, first.sources[0], ctx, { force: true })).outcome).toBe('updated');
    expect(lines.filter((l) => l.msg === 'growth signals refreshed')).toHaveLength(1);
    const [{ n }] = await store.query<{ n: number }>('select count(*)::int as n from firm_signals');
    expect(n).toBeGreaterThan(1000);
  } finally {
    await store.close();
  }
});

test('scheduled sources coming due together share one refresh', async () => {
  const store = await openTestStore('empty');
  // Three logs on a one-second interval: due together, each updated on its first run.
  const due = agencies()
    .slice(0, 3)
    .map((a) => ({ ...a, sources: a.sources.map((s) => ({ ...s, interval: 1_000 })) }));
  const { lines, ctx } = capture();
  const reports: string[] = [];
  const scheduler = scheduleSyncs(store, due, ctx, (r) => reports.push(r.outcome), { growthRefreshDelayMs: 300 });
  try {
    const deadline = Date.now() + 45_000;
    while (!lines.some((l) => l.msg === 'growth signals refreshed') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    scheduler.stop();
    expect(reports.filter((r) => r === 'updated').length).toBe(3);
    expect(lines.filter((l) => l.msg === 'growth signals refreshed')).toHaveLength(1);
    // The one refresh came after all three logs: every firm of every log is scored.
    const [counts] = await store.query<{ firms: number; scored: number }>(
      `select (select count(distinct corporate_number)::int from consultations) as firms, (select count(*)::int from firm_signals where kind = 'CORPORATE') as scored`,
    );
    expect(counts.scored).toBe(counts.firms);
    expect(counts.firms).toBeGreaterThan(100);
  } finally {
    scheduler.stop();
    await new Promise((r) => setTimeout(r, 500));
    await store.close();
  }
}, 90_000);

test('a sync run refreshes once, after its consultation logs, and not at all when nothing changed', async () => {
  const store = await openTestStore('demo');
  try {
    const { lines, ctx } = capture();
    const some = agencies().slice(0, 4);
    await syncAll(store, some, ctx, { force: true, workers: 0 });
    expect(lines.filter((l) => l.msg === 'growth signals refreshed')).toHaveLength(1);
    const refreshedAt = lines.findIndex((l) => l.msg === 'growth signals refreshed');
    expect(lines.slice(refreshedAt).filter((l) => l.msg === 'source synced')).toHaveLength(0);
    lines.length = 0;
    await syncAll(store, some, ctx, { workers: 0 });
    expect(lines.filter((l) => l.msg === 'growth signals refreshed')).toHaveLength(0);
  } finally {
    await store.close();
  }
});
