/**
 * Who sees which consultation data, over real HTTP: every role against every consultation query
 * and field, the subgraph's own wall against forged, unsigned, stale and replayed identity, the
 * referral hand-off, and what each role sees of the statistics (perturbed for analysts, exact for
 * coordinators).
 */
import { Writable } from 'node:stream';
import { fetch } from 'undici';
import pino from 'pino';
import type { Embedded } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { signIdentity } from '../../server/identity';
import { defaultSettings } from '../../server/settings';
import { startDemo } from '../support/demo';

const JWT_SECRET = new TextEncoder().encode('privacy-test-jwt-secret-of-enough-length');
const IDENTITY_SECRET = 'privacy-test-identity-secret-of-enough-length';
const logLines: string[] = [];
let app: Embedded;
const tokens: Record<string, string | null> = { anonymous: null };

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  app = await startDemo({
    logger: pino({ level: 'trace' }, sink),
    auth: { secret: JWT_SECRET },
    settings: defaultSettings({ identitySecret: IDENTITY_SECRET }),
  });
  tokens.staffIac = await signDevelopmentToken({ role: 'staff', agency: 'hyogo-iac' }, JWT_SECRET);
  tokens.staffCgc = await signDevelopmentToken({ role: 'staff', agency: 'hyogo-cgc' }, JWT_SECRET);
  tokens.staffKobe = await signDevelopmentToken({ role: 'staff', agency: 'kobe-ipf' }, JWT_SECRET);
  tokens.coordinator = await signDevelopmentToken({ role: 'coordinator' }, JWT_SECRET);
  tokens.analyst = await signDevelopmentToken({ role: 'analyst' }, JWT_SECRET);
});

afterAll(async () => {
  await app.close();
});

type Result = {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
};

async function gql(
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = null,
  url = `http://127.0.0.1:${app.gateway.port}/graphql`,
  extra: Record<string, string> = {},
): Promise<Result> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: res.status, ...((await res.json()) as object) };
}

const LIST = `{ consultations(first: 100) { totalCount edges { node { id organization { id } summary consultant company { name corporateNumber } } } } }`;
const STATS = `{ consultationStats(groupBy: [ORGANIZATION, CHANNEL]) { total suppressedCells cells { keys { dimension value } count suppressed } } }`;

describe('role matrix', () => {
  test('anonymous callers get no consultation data at all (401 UNAUTHENTICATED)', async () => {
    for (const q of [
      LIST,
      STATS,
      '{ consultation(id: "hyogo-iac:x") { id } }',
      '{ companyHistory(corporateNumber: "4011001098993") { corporateNumber } }',
    ]) {
      const r = await gql(q);
      expect(r.status).toBe(401);
      expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(r.data ?? null).toBeNull();
    }
  });

  test('analysts get aggregates only: every record query is FORBIDDEN', async () => {
    for (const q of [
      LIST,
      '{ consultation(id: "hyogo-iac:x") { id summary } }',
      '{ companyHistory(corporateNumber: "4011001098993") { corporateNumber } }',
    ]) {
      const r = await gql(q, {}, tokens.analyst);
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(r.data ?? {})).not.toMatch(/summary|consultant/);
    }
    const stats = await gql(STATS, {}, tokens.analyst);
    expect(stats.errors).toBeUndefined();
    expect(stats.data!.consultationStats.total).toBeGreaterThan(1000);
  });

  test('staff see exactly their own agency’s consultations, with restricted fields', async () => {
    const r = await gql(LIST, {}, tokens.staffCgc);
    expect(r.errors).toBeUndefined();
    const [{ n }] = await app.store.query<{ n: number }>(
      `select count(*)::int as n from consultations where organization_id = 'hyogo-cgc' or referred_to_id = 'hyogo-cgc'`,
    );
    expect(r.data!.consultations.totalCount).toBe(n);
    const nodes = r.data!.consultations.edges.map((e: any) => e.node);
    expect(nodes.length).toBe(Math.min(100, n));
    expect(nodes.every((c: any) => c.organization.id === 'hyogo-cgc' || c.id.startsWith('hyogo-cgc:') === false)).toBe(
      true,
    );
    expect(
      nodes
        .filter((c: any) => c.organization.id === 'hyogo-cgc')
        .every((c: any) => c.summary && c.consultant && c.company.name),
    ).toBe(true);
    expect((await gql(STATS, {}, tokens.staffCgc)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(
      (await gql('{ companyHistory(corporateNumber: "4011001098993") { corporateNumber } }', {}, tokens.staffCgc))
        .errors?.[0].extensions?.code,
    ).toBe('FORBIDDEN');
  });

  test('staff cannot read another agency’s consultation by id', async () => {
    const [{ id }] = await app.store.query<{ id: string }>(
      `select id from consultations where organization_id = 'hyogo-iac' and referred_to_id is null limit 1`,
    );
    const r = await gql('query($id: ID!) { consultation(id: $id) { id summary } }', { id }, tokens.staffCgc);
    expect(r.data!.consultation).toBeNull();
    const own = await gql('query($id: ID!) { consultation(id: $id) { id summary } }', { id }, tokens.staffIac);
    expect(own.data!.consultation.id).toBe(id);
  });

  test('coordinators see every consultation and a firm’s history across agencies', async () => {
    const r = await gql('{ consultations(first: 1) { totalCount } }', {}, tokens.coordinator);
    const [{ n }] = await app.store.query<{ n: number }>('select count(*)::int as n from consultations');
    expect(r.data!.consultations.totalCount).toBe(n);
    const [firm] = await app.store.query<{ corporate_number: string; agencies: number; visits: number }>(
      `select corporate_number, count(distinct organization_id)::int as agencies, count(*)::int as visits from consultations
       where corporate_number is not null group by 1 order by 2 desc, 1 limit 1`,
    );
    expect(firm.agencies).toBeGreaterThanOrEqual(2);
    const h = await gql(
      'query($c: String!) { companyHistory(corporateNumber: $c) { consultations { receivedAt organization { id } } agencies { id name } } }',
      { c: firm.corporate_number },
      tokens.coordinator,
    );
    expect(h.errors).toBeUndefined();
    expect(h.data!.companyHistory.consultations).toHaveLength(firm.visits);
    expect(h.data!.companyHistory.agencies).toHaveLength(firm.agencies);
    expect(h.data!.companyHistory.agencies.every((a: any) => a.name)).toBe(true);
  });
});

describe('tokens', () => {
  test('an expired token is refused with 401 UNAUTHENTICATED', async () => {
    const expired = await signDevelopmentToken({ role: 'coordinator' }, JWT_SECRET, '-1m');
    const r = await gql('{ organizations { id } }', {}, expired);
    expect(r.status).toBe(401);
    expect(r.errors?.[0]).toMatchObject({ message: 'token expired', extensions: { code: 'UNAUTHENTICATED' } });
  });

  test('a token signed with another secret is refused', async () => {
    const forged = await signDevelopmentToken(
      { role: 'coordinator' },
      new TextEncoder().encode('not-the-secret-at-all-not-at-all'),
    );
    const r = await gql(LIST, {}, forged);
    expect(r.status).toBe(401);
  });

  test('public data needs no token', async () => {
    const r = await gql('{ organizations { id } }');
    expect(r.status).toBe(200);
    expect(r.data!.organizations.length).toBeGreaterThanOrEqual(22);
  });
});

describe('the consultations subgraph trusts only signed identity from the gateway', () => {
  const url = () => app.subgraphs.consultations.url;
  const Q = '{ consultations(first: 1) { totalCount } }';
  // gql() sends this exact body; identity is signed for one subgraph and one body.
  const target = { subgraph: 'consultations', body: JSON.stringify({ query: Q, variables: {} }) };

  test('no identity: anonymous, refused', async () => {
    const r = await gql(Q, {}, null, url());
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('an identity header without a signature, or with a forged one, is refused', async () => {
    const signed = signIdentity({ role: 'coordinator', subject: 'x', agencyId: null }, IDENTITY_SECRET, target);
    const unsigned = await gql(Q, {}, null, url(), { 'x-madoguchi-identity': signed['x-madoguchi-identity'] });
    expect(unsigned.status).toBe(401);
    const forged = signIdentity({ role: 'coordinator', subject: 'x', agencyId: null }, 'a guess', target);
    const r = await gql(Q, {}, null, url(), forged);
    expect(r.status).toBe(401);
    expect(r.errors?.[0].message).toMatch(/bad signature/);
  });

  test('a correctly signed identity works once; replayed or stale it is refused', async () => {
    const headers = signIdentity({ role: 'coordinator', subject: 'x', agencyId: null }, IDENTITY_SECRET, target);
    const first = await gql(Q, {}, null, url(), headers);
    expect(first.errors).toBeUndefined();
    const replay = await gql(Q, {}, null, url(), headers);
    expect(replay.status).toBe(401);
    expect(replay.errors?.[0].message).toMatch(/replayed/);
    const stale = signIdentity(
      { role: 'coordinator', subject: 'x', agencyId: null },
      IDENTITY_SECRET,
      target,
      Date.now() - 120_000,
    );
    const old = await gql(Q, {}, null, url(), stale);
    expect(old.errors?.[0].message).toMatch(/stale/);
  });

  test('a client cannot smuggle identity through the gateway', async () => {
    const headers = signIdentity({ role: 'coordinator', subject: 'x', agencyId: null }, IDENTITY_SECRET, {
      subgraph: 'consultations',
      body: JSON.stringify({ query: LIST, variables: {} }),
    });
    const r = await gql(LIST, {}, null, undefined, headers);
    expect(r.status).toBe(401);
  });
});

describe('referrals', () => {
  test('the owning agency hands over; the receiver then sees it with the hand-off; others do not', async () => {
    const [{ id }] = await app.store.query<{ id: string }>(
      `select id from consultations where organization_id = 'hyogo-iac' and referred_to_id is null order by id limit 1`,
    );
    const refer =
      'mutation($id: ID!, $to: ID!) { referConsultation(id: $id, to: $to, note: "保証付き融資の相談") { id referrals { from { id } to { id } note referredBy referredAt } } }';
    const notOwner = await gql(refer, { id, to: 'kobe-ipf' }, tokens.staffCgc);
    expect(notOwner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const before = await gql('query($id: ID!) { consultation(id: $id) { id } }', { id }, tokens.staffCgc);
    expect(before.data!.consultation).toBeNull();
    const done = await gql(refer, { id, to: 'hyogo-cgc' }, tokens.staffIac);
    expect(done.errors).toBeUndefined();
    expect(done.data!.referConsultation.referrals).toEqual([
      {
        from: { id: 'hyogo-iac' },
        to: { id: 'hyogo-cgc' },
        note: '保証付き融資の相談',
        referredBy: 'dev-staff',
        referredAt: expect.stringMatching(/^2026-11-25T/),
      },
    ]);
    const after = await gql(
      'query($id: ID!) { consultation(id: $id) { id summary referrals { to { name } } } }',
      { id },
      tokens.staffCgc,
    );
    expect(after.data!.consultation.id).toBe(id);
    expect(after.data!.consultation.referrals[0].to.name).toContain('信用保証協会');
    const other = await gql('query($id: ID!) { consultation(id: $id) { id } }', { id }, tokens.staffKobe);
    expect(other.data!.consultation).toBeNull();
    const unknown = await gql(refer, { id, to: 'no-such-agency' }, tokens.staffIac);
    expect(unknown.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('aggregates', () => {
  const fine = `{ consultationStats(groupBy: [ORGANIZATION, MUNICIPALITY], filter: { from: "2025-06-01", to: "2025-06-30" }) {
    total suppressedCells cells { keys { dimension value } count suppressed } } }`;
  const truth = () =>
    app.store.query<{ o: string; m: string; n: number }>(
      `select organization_id as o, municipality_code as m, count(*)::int as n from consultations
       where (received_at at time zone 'Asia/Tokyo')::date between '2025-06-01' and '2025-06-30' group by 1, 2`,
    );

  test('analysts: 1–4 withheld, other cells within 2 of the count and never under 5, the same every time', async () => {
    const r = await gql(fine, {}, tokens.analyst);
    expect(r.errors).toBeUndefined();
    const stats = r.data!.consultationStats;
    const byKey = new Map((await truth()).map((t) => [`${t.o}|${t.m}`, t.n]));
    for (const cell of stats.cells) {
      const n = byKey.get(`${cell.keys[0].value}|${cell.keys[1].value}`)!;
      if (n < 5) expect([cell.count, cell.suppressed]).toEqual([null, true]);
      else {
        expect(cell.suppressed).toBe(false);
        expect(Math.abs(cell.count - n)).toBeLessThanOrEqual(2);
        expect(cell.count).toBeGreaterThanOrEqual(5);
      }
    }
    expect(stats.suppressedCells).toBe(stats.cells.filter((c: any) => c.suppressed).length);
    expect(stats.suppressedCells).toBeGreaterThan(0);
    expect(Math.abs(stats.total - [...byKey.values()].reduce((s, n) => s + n, 0))).toBeLessThanOrEqual(2);
    expect((await gql(fine, {}, tokens.analyst)).data).toEqual(r.data);
  });

  test('coordinators: the exact counts, small ones included', async () => {
    const r = await gql(fine, {}, tokens.coordinator);
    const actual = await truth();
    expect(
      new Map(r.data!.consultationStats.cells.map((c: any) => [`${c.keys[0].value}|${c.keys[1].value}`, c.count])),
    ).toEqual(new Map(actual.map((t) => [`${t.o}|${t.m}`, t.n])));
    expect(r.data!.consultationStats.total).toBe(actual.reduce((s, t) => s + t.n, 0));
  });
});

test('logs never contain consultation contents', async () => {
  const rows = await app.store.query<{ summary: string; company_name: string; consultant: string }>(
    'select summary, company_name, consultant from consultations limit 200',
  );
  const text = logLines.join('\n');
  for (const r of rows) {
    expect(text).not.toContain(r.summary);
    expect(text).not.toContain(r.company_name);
  }
});
