/**
 * Agency systems failing the way real ones do — a 500, no answer at all, a transfer cut in half,
 * a redesign that no selector or path matches — against the demo agency servers over real HTTP,
 * with the embedded stack serving the demo store. Each time the source's last good data stays,
 * flagged stale, nothing is lost, the error shows in the sources row and through the graph (to
 * a coordinator: error detail is for staff roles), and the gateway keeps answering; once the
 * system heals, the next sync clears the flag.
 */
import { resolve } from 'node:path';
import { fetch } from 'undici';
import { loadAgencyConfigs, type AgencyConfig, type SourceConfig } from '../../adapters/core/config';
import { list as listSources } from '../../store/sources';
import type { EntityKind } from '../../domain/records';
import { TABLES } from '../../store/tables';
import type { SyncReport } from '../../adapters/sync/sync';
import { startDemoAgencyServers, type DemoAgencyServers, type DemoFault } from '../../demo/servers';
import type { Embedded } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { CACHE_DIR, FIXED_NOW, ROOT } from '../support/paths';
import { startDemo } from '../support/demo';

let demo: DemoAgencyServers;
let app: Embedded;
let agencies: AgencyConfig[];
let coordinator: string;
const SECRET = new TextEncoder().encode('faults-test-jwt-secret-of-enough-length');
const LATER = new Date(FIXED_NOW.getTime() + 3_600_000);

beforeAll(async () => {
  demo = await startDemoAgencyServers({ port: 0, now: () => FIXED_NOW });
  agencies = loadAgencyConfigs(resolve(ROOT, 'agencies'), {
    ...process.env,
    MADOGUCHI_DEMO_URL: demo.baseUrl,
    MADOGUCHI_CONSULTATION_DIR: resolve(CACHE_DIR, 'consultations'),
  });
  app = await startDemo({
    auth: { secret: SECRET },
  });
  coordinator = await signDevelopmentToken({ role: 'coordinator' }, SECRET);
});

afterAll(async () => {
  await app?.close();
  await demo?.close();
});

function find(agencyId: string, sourceName: string): { agency: AgencyConfig; source: SourceConfig } {
  const agency = agencies.find((a) => a.id === agencyId)!;
  return { agency, source: agency.sources.find((s) => s.id === sourceName)! };
}

function sync(
  agencyId: string,
  sourceName: string,
  overrides: Partial<SourceConfig> = {},
  force = false,
): Promise<SyncReport> {
  const { agency, source } = find(agencyId, sourceName);
  return app.syncSource(agency, { ...source, ...overrides } as SourceConfig, { atMs: LATER.getTime(), force });
}

async function snapshot(entity: EntityKind, sourceId: string): Promise<string> {
  const rows = await app.store.query<{ id: string; content_hash: string }>(
    `select id, content_hash from ${TABLES[entity].table} where source_id = $1 order by id`,
    [sourceId],
  );
  return JSON.stringify(rows);
}

async function graphql(query: string): Promise<{ data?: Record<string, any>; errors?: unknown[] }> {
  const res = await fetch(`http://127.0.0.1:${app.gateway.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator}` },
    body: JSON.stringify({ query }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
}

interface Case {
  fault: DemoFault;
  path: string;
  agency: string;
  source: string;
  entity: EntityKind;
  overrides?: Partial<SourceConfig>;
  /** An unconditional request: a single file's conditional GET would be answered 304 before any body. */
  force?: boolean;
  error: RegExp;
}

const CASES: Case[] = [
  {
    fault: 'http-500',
    path: '/web/hyogo-iac/',
    agency: 'hyogo-iac',
    source: 'programs',
    entity: 'program',
    error: /answered HTTP 500/,
  },
  {
    fault: 'timeout',
    path: '/api/v1/agencies/akashi-ipf/',
    agency: 'akashi-ipf',
    source: 'programs',
    entity: 'program',
    overrides: { timeoutMs: 300 },
    error: /did not answer within 300 ms/,
  },
  {
    fault: 'truncated',
    path: '/files/hyogo-cgc/',
    agency: 'hyogo-cgc',
    source: 'programs',
    entity: 'program',
    force: true,
    error: /unreachable|sent \d+ of \d+ bytes/,
  },
  {
    fault: 'truncated',
    path: '/web/kobe-ipf/programs/detail/',
    agency: 'kobe-ipf',
    source: 'programs',
    entity: 'program',
    error: /unreachable|sent \d+ of \d+ bytes/,
  },
  {
    fault: 'markup-changed',
    path: '/web/hyogo-shokokai/',
    agency: 'hyogo-shokokai',
    source: 'programs',
    entity: 'program',
    error: /"table\.list tr\.seido" matched nothing .* markup may have changed/,
  },
  {
    fault: 'markup-changed',
    path: '/web/kobe-ipf/programs/detail/',
    agency: 'kobe-ipf',
    source: 'programs',
    entity: 'program',
    error: /none of the fields \(概要, 詳細, .*\) matched anything in any of 10 detail pages/,
  },
  {
    fault: 'markup-changed',
    path: '/jgrants/',
    agency: 'jgrants',
    source: 'subsidies',
    entity: 'program',
    error: /no list of records at "result"/,
  },
  {
    fault: 'markup-changed',
    path: '/files/hyogo-iac/members.csv',
    agency: 'hyogo-iac',
    source: 'members',
    entity: 'organization',
    force: true,
    error: /column\(s\) "機関ID" \(closest: "機関ID\(新\)"\), .* not in the header/,
  },
];

describe.each(CASES)('$fault under $path', (c) => {
  const id = `${c.agency}/${c.source}`;

  test('the last good data stays, flagged stale with the error, and the gateway keeps answering', async () => {
    const [before] = await listSources(app.store, { ids: [id] });
    expect(before).toMatchObject({ status: 'OK', stale: false });
    expect(before.acceptedCount).toBeGreaterThan(0);
    const kept = await snapshot(c.entity, id);

    demo.setFault(c.fault, c.path);
    try {
      const report = await sync(c.agency, c.source, c.overrides, c.force);
      expect(report.outcome).toBe('failed');
      expect(report.error).toMatch(c.error);
    } finally {
      demo.setFault(null, c.path);
    }

    expect(await snapshot(c.entity, id)).toBe(kept);
    const [after] = await listSources(app.store, { ids: [id] });
    expect(after).toMatchObject({
      status: 'FAILED',
      stale: true,
      acceptedCount: before.acceptedCount,
      lastSuccessAt: before.lastSuccessAt,
      lastError: expect.stringMatching(c.error),
    });

    const { data, errors } = await graphql(
      `{ sources(agencyId: "${c.agency}") { id status stale lastError acceptedCount } organizations { id programs { id } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.sources.find((s: { id: string }) => s.id === id)).toMatchObject({
      status: 'FAILED',
      stale: true,
      acceptedCount: before.acceptedCount,
      lastError: expect.stringMatching(c.error),
    });
    if (c.entity === 'program') {
      const served = data!.organizations
        .find((o: { id: string }) => o.id === c.agency)
        .programs.map((p: { id: string }) => p.id)
        .sort();
      expect(JSON.stringify(served)).toBe(JSON.stringify(JSON.parse(kept).map((r: { id: string }) => r.id)));
    } else {
      expect(data!.organizations.length).toBeGreaterThanOrEqual(22);
    }

    // Healed: the same content as before, so nothing is rewritten and the flag clears.
    const healed = await sync(c.agency, c.source);
    expect(healed.outcome).toBe('unchanged');
    expect((await listSources(app.store, { ids: [id] }))[0]).toMatchObject({
      status: 'OK',
      stale: false,
      lastError: null,
    });
    expect(await snapshot(c.entity, id)).toBe(kept);
  });
});

test('while a source hangs, the graph answers at once', async () => {
  demo.setFault('timeout', '/api/v1/agencies/amagasaki-ipo/');
  try {
    let syncEnded = false;
    const pending = sync('amagasaki-ipo', 'programs', { timeoutMs: 5_000 }).finally(() => (syncEnded = true));
    const { data, errors } = await graphql('{ programs(first: 5) { totalCount } organizations { id } }');
    expect(errors).toBeUndefined();
    expect(data!.programs.totalCount).toBeGreaterThanOrEqual(150);
    // Answered while the sync still waits on the hanging source, not after it gave up.
    expect(syncEnded).toBe(false);
    expect((await pending).outcome).toBe('failed');
  } finally {
    demo.setFault(null, '/api/v1/agencies/amagasaki-ipo/');
  }
  expect((await sync('amagasaki-ipo', 'programs')).outcome).toBe('unchanged');
});

test('a retry policy rides over a passing 500; the demo files answer 304 to a conditional GET', async () => {
  const path = '/files/hyogo-cci/';
  const seen = demo.requests.length;
  demo.setFault('http-500', path, { times: 1 });
  const report = await sync('hyogo-cci', 'programs', { retry: { attempts: 3, backoffMs: 50, retryOn: [500] } });
  expect(report.outcome).toBe('unchanged');
  expect(demo.requests.slice(seen).map((r) => r.status)).toEqual([500, 304]);

  const [source] = await listSources(app.store, { ids: ['hyogo-cci/programs'] });
  const url = `${demo.baseUrl}/files/hyogo-cci/programs.csv`;
  const first = await fetch(url);
  await first.arrayBuffer();
  const etag = first.headers.get('etag')!;
  expect(etag).toBe(source.etag);
  expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
  expect((await fetch(url, { headers: { 'if-modified-since': first.headers.get('last-modified')! } })).status).toBe(
    304,
  );
});
