/**
 * Attacks on operations: `referConsultation` sent three times (a double click, a retrying client)
 * made three referrals; a failed source waited its whole interval (6 h) before trying again and
 * nothing outside the graph showed it. Referrals are now one per consultation and target; failed
 * sources are retried after 1, 2, 4 … minutes up to their interval, and /readyz shows them degraded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fetch } from 'undici';
import pino from 'pino';
import { parseAgencyConfig } from '../../adapters/core/config';
import { createAdapterContext } from '../../adapters/core/adapter';
import { syncSource, type SyncReport } from '../../adapters/sync/sync';
import { scheduleSyncs } from '../../adapters/sync/scheduler';
import { openTestStore } from '../support/store';
import { ROOT } from '../support/paths';
import { gql, markSourceFailed, startApp, type App } from './support';

describe('referrals', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  test('the same referral sent three times (also at once) is recorded once', async () => {
    const [{ id }] = await app.app.store.query<{ id: string }>(
      `select id from consultations where organization_id = 'hyogo-iac' and referred_to_id is null order by id limit 1 offset 3`,
    );
    const refer =
      'mutation($id: ID!) { referConsultation(id: $id, to: "hyogo-cgc", note: "保証の相談") { id referrals { to { id } } } }';
    const first = await gql(app, refer, { id }, app.tokens.staffIac);
    expect(first.errors).toBeUndefined();
    const again = await Promise.all([1, 2, 3].map(() => gql(app, refer, { id }, app.tokens.staffIac)));
    for (const r of again) {
      expect(r.errors).toBeUndefined();
      expect(r.data!.referConsultation.referrals).toEqual([{ to: { id: 'hyogo-cgc' } }]);
    }
    const [{ n }] = await app.app.store.query<{ n: number }>(
      'select count(*)::int as n from referrals where consultation_id = $1',
      [id],
    );
    expect(n).toBe(1);
    // Another target is another referral.
    const other = await gql(app, refer.replace('hyogo-cgc', 'kobe-ipf'), { id }, app.tokens.staffIac);
    expect(other.data!.referConsultation.referrals).toHaveLength(2);
  });

  test('/readyz shows a failed source as degraded while the gateway stays ready', async () => {
    await markSourceFailed(app, 'hyogo-cgc/programs', '2026-11-25T02:00:00Z', 'HTTP 503');
    const res = await fetch(`${app.base}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, string> };
    expect(body.checks.sources).toMatch(/^degraded: 1 source failing \(hyogo-cgc\/programs\)/);
  });
});

describe('a failed source is retried with backoff, not after its whole interval', () => {
  let server: Server;
  const hits: number[] = [];

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits.push(Date.now());
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('maintenance');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('1, 2, 4 … units after the failure, capped at the interval', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/programs.csv`;
    const agency = parseAgencyConfig(
      `id: hyogo-iac\nname: flaky\nsources:\n  - id: flaky\n    kind: spreadsheet\n    layout: hyogo-net-programs\n    location: ${url}\n    interval: 1s\n    retry: { attempts: 1 }\n`,
      join(ROOT, 'agencies', 'hyogo-iac.yaml'),
      {},
    );
    const store = await openTestStore('demo');
    const ctx = createAdapterContext({ logger: pino({ level: 'silent' }) });
    const reports: SyncReport[] = [];
    try {
      const initial = syncSource(store, agency, agency.sources[0], ctx).then((r) => [r]);
      expect((await initial)[0].outcome).toBe('failed');
      hits.length = 0;
      const plans: number[] = [];
      const attempts = () => hits.length;
      // One retry unit of 50 ms here instead of a minute; the interval is 1 s. The test follows the
      // delays the scheduler plans and the attempts the agency's server sees, not the wall clock
      // (a loaded machine fires timers late, never early).
      const scheduler = scheduleSyncs(store, [agency], ctx, (r) => reports.push(r), {
        initial,
        retryUnitMs: 50,
        onPlan: (_id, ms) => plans.push(ms),
      });
      const deadline = Date.now() + 60_000;
      while (reports.length < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      scheduler.stop();
      // Planned at the interval, then re-planned by the failed first sync: 50, 100, 200, 400, 800,
      // then capped at the interval (1,000).
      expect(plans.slice(0, 8)).toEqual([1_000, 50, 100, 200, 400, 800, 1_000, 1_000]);
      expect(attempts()).toBeGreaterThanOrEqual(7);
      // Timers never fire early: each attempt waited at least the delay planned before it.
      const gaps = hits.slice(1, 6).map((t, i) => t - hits[i]);
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(plans[i + 2] - 5));
      expect(reports.every((r) => r.outcome === 'failed')).toBe(true);
    } finally {
      await store.close();
    }
  }, 90_000);
});
