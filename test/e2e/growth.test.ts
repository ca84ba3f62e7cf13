/**
 * The growth-firm programme over real HTTP, as its people use it: staff nominate their own
 * clients (once, however often they send it) and nothing else; only coordinators decide, and
 * never without a reason; decisions and plans survive a restart of the whole system on its data
 * directory; the committee pack is the graph's agenda as CSV for coordinators only, safe to open
 * in a spreadsheet; every read is audited — also two identical reads at once — and the log
 * cannot be changed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { fetch } from 'undici';
import { gql as ask, type GraphQLResult } from './gateway-helpers';
import { parse } from 'csv-parse/sync';
import { startEmbedded, type Embedded } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { openStore } from '../../store/store';
import { CACHE_DIR, FIXED_NOW } from '../support/paths';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/store';
import { PACK_HEADER } from '../../gateway/exports/committeePack';

const SECRET = new TextEncoder().encode('growth-e2e-secret-growth-e2e-secret-xx');
const MONTH = '2026-11'; // FIXED_NOW's month in Japan time
let dataDir: string | undefined;
/** Where the system keeps its data across the restart: a data directory, or a database of this file's own. */
let where: { dataDir: string } | { databaseUrl: string };
let app: Embedded;
const tokens: Record<string, string> = {};
let agency: string;
let ownFirm: string;
let otherFirm: string;

type Result = GraphQLResult;

/** A GraphQL request to the gateway, with a bearer token when given. */
const gql = (query: string, variables: Record<string, unknown>, token?: string | null): Promise<Result> =>
  ask(app.gateway.url, { query, variables }, token);

async function start(): Promise<Embedded> {
  return startEmbedded({
    ...where,
    port: 0,
    host: '127.0.0.1',
    sync: 'never',
    now: FIXED_NOW,
    logger: pino({ level: 'silent' }),
    auth: { secret: SECRET },
  });
}

const count = async (sql: string, params: unknown[] = []) =>
  (await app.store.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params))[0].n;

beforeAll(async () => {
  // On disk, as `npm start` keeps it, so that a restart reads what the first run wrote.
  if (TEST_DATABASE_URL) where = { databaseUrl: (await createTestDatabase('demo')).url };
  else {
    dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-growth-'));
    const copy = await openStore({ dataDir, loadFrom: new Blob([readFileSync(join(CACHE_DIR, 'demo-store.tar'))]) });
    await copy.close();
    where = { dataDir };
  }
  app = await start();
  const store = app.store;
  [{ agency, firm: ownFirm }] = await store.query<{ agency: string; firm: string }>(
    `select c.organization_id as agency, s.firm_id as firm from firm_signals s join firm_clients c on c.firm_id = s.firm_id
     where s.kind = 'CORPORATE' and c.organization_id = 'hyogo-cci'
       and not exists (select 1 from committee_decisions d where d.firm_id = s.firm_id) and not exists (select 1 from nominations n where n.firm_id = s.firm_id)
     order by s.score desc, s.firm_id limit 1`,
  );
  [{ firm: otherFirm }] = await store.query<{ firm: string }>(
    `select s.firm_id as firm from firm_signals s where s.kind = 'CORPORATE'
       and not exists (select 1 from firm_clients c where c.firm_id = s.firm_id and c.organization_id = $1)
       and not exists (select 1 from committee_decisions d where d.firm_id = s.firm_id)
     order by s.score desc, s.firm_id limit 1`,
    [agency],
  );
  tokens.staff = await signDevelopmentToken({ role: 'staff', agency, sub: 'staff-1' }, SECRET);
  tokens.coordinator = await signDevelopmentToken({ role: 'coordinator', sub: 'coord-1' }, SECRET);
  tokens.analyst = await signDevelopmentToken({ role: 'analyst' }, SECRET);
});

afterAll(async () => {
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const NOMINATE = `mutation($id: ID!, $r: String!, $m: String) { nominateCompany(companyId: $id, rationale: $r, meeting: $m) { id meeting rationale agency { id } company { id } } }`;
const DECIDE = `mutation($input: CommitteeDecisionInput!) { recordCommitteeDecision(input: $input) { id decision reason decidedBy meeting company { id } } }`;

test('staff nominate their own clients, once however often they send it, and no one else’s', async () => {
  const first = await gql(NOMINATE, { id: ownFirm, r: '販路開拓と海外展開の相談が続いている' }, tokens.staff);
  expect(first.errors).toBeUndefined();
  expect(first.data!.nominateCompany).toMatchObject({
    meeting: MONTH,
    agency: { id: agency },
    company: { id: ownFirm },
  });
  const again = await gql(NOMINATE, { id: ownFirm, r: '販路開拓と海外展開の相談が続いている' }, tokens.staff);
  expect(again.data!.nominateCompany.id).toBe(first.data!.nominateCompany.id);
  expect(await count('nominations where firm_id = $1', [ownFirm])).toBe(1);

  const before = await count('nominations');
  const other = await gql(NOMINATE, { id: otherFirm, r: 'not our client' }, tokens.staff);
  expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const past = await gql(NOMINATE, { id: ownFirm, r: 'late', m: '2026-10' }, tokens.staff);
  expect(past.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const blank = await gql(NOMINATE, { id: ownFirm, r: '   ', m: '2026-12' }, tokens.staff);
  expect(blank.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const analyst = await gql(NOMINATE, { id: ownFirm, r: 'x' }, tokens.analyst);
  expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(await count('nominations')).toBe(before);
});

test('only coordinators decide, and never without a reason', async () => {
  const input = {
    companyId: ownFirm,
    decision: 'SELECTED',
    reason: '計画が具体的で複数機関の支援が有効',
    plan: { goals: ['海外販路の開拓'] },
  };
  const byStaff = await gql(DECIDE, { input }, tokens.staff);
  expect(byStaff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(byStaff.status).toBe(403);
  for (const reason of ['', '   ']) {
    const r = await gql(DECIDE, { input: { ...input, reason } }, tokens.coordinator);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }
  const noReason = await gql(
    DECIDE.replace('$input: CommitteeDecisionInput!', '$id: ID!').replace(
      'input: $input',
      'input: { companyId: $id, decision: SELECTED }',
    ),
    { id: ownFirm },
    tokens.coordinator,
  );
  expect(noReason.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  const future = await gql(DECIDE, { input: { ...input, meeting: '2027-01' } }, tokens.coordinator);
  expect(future.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(await count('committee_decisions where firm_id = $1', [ownFirm])).toBe(0);

  const decided = await gql(DECIDE, { input }, tokens.coordinator);
  expect(decided.errors).toBeUndefined();
  expect(decided.data!.recordCommitteeDecision).toMatchObject({
    decision: 'SELECTED',
    decidedBy: 'coord-1',
    meeting: MONTH,
  });
  const retry = await gql(DECIDE, { input }, tokens.coordinator);
  expect(retry.data!.recordCommitteeDecision.id).toBe(decided.data!.recordCommitteeDecision.id);
  const changed = await gql(
    DECIDE,
    { input: { ...input, decision: 'DECLINED', reason: 'changed our minds' } },
    tokens.coordinator,
  );
  expect(changed.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  expect(await count('committee_decisions where firm_id = $1', [ownFirm])).toBe(1);

  // The staff member's agency nominated the firm, so it leads the plan, and sees it.
  const plan = await gql(
    `query($id: ID!) { company(id: $id) { growth { status plan { id status leadAgency { id } goals } } } }`,
    { id: ownFirm },
    tokens.staff,
  );
  expect(plan.errors).toBeUndefined();
  expect(plan.data!.company.growth).toMatchObject({
    status: 'ACTIVE',
    plan: { status: 'ACTIVE', leadAgency: { id: agency }, goals: ['海外販路の開拓'] },
  });
  const update = await gql(
    `mutation($p: ID!) { updateSupportPlan(input: { planId: $p, goals: ["海外販路の開拓", "展示会出展"], note: "第1回支援会議" }) { status goals history { status note recordedBy } } }`,
    { p: plan.data!.company.growth.plan.id },
    tokens.coordinator,
  );
  expect(update.errors).toBeUndefined();
  expect(update.data!.updateSupportPlan.history.map((h: any) => h.note)).toEqual([
    '計画が具体的で複数機関の支援が有効',
    '第1回支援会議',
  ]);
  const staffUpdate = await gql(
    `mutation($p: ID!) { updateSupportPlan(input: { planId: $p, status: WITHDRAWN }) { status } }`,
    { p: plan.data!.company.growth.plan.id },
    tokens.staff,
  );
  expect(staffUpdate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

test('the committee pack is the meeting’s agenda as CSV, for coordinators only, safe in a spreadsheet', async () => {
  const url = (month: string) => `http://127.0.0.1:${app.gateway.port}/exports/committee/${month}.csv`;
  const get = (month: string, token?: string) =>
    fetch(url(month), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect((await get(MONTH)).status).toBe(401);
  expect((await fetch(url(MONTH), { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
  for (const role of ['staff', 'analyst']) {
    const refused = await get(MONTH, tokens[role]);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
  }
  expect((await get('2026-13', tokens.coordinator)).status).toBe(400);
  expect(
    (
      await fetch(`http://127.0.0.1:${app.gateway.port}/exports/committee/..%2F..%2Fetc.csv`, {
        headers: { authorization: `Bearer ${tokens.coordinator}` },
      })
    ).status,
  ).toBe(400);

  // A rationale that a spreadsheet would run as a formula.
  const [{ firm: formulaFirm }] = await app.store.query<{ firm: string }>(
    `select firm_id as firm from firm_clients where organization_id = $1 and firm_id <> $2
       and not exists (select 1 from committee_decisions d where d.firm_id = firm_clients.firm_id) order by 1 limit 1`,
    [agency, ownFirm],
  );
  await gql(NOMINATE, { id: formulaFirm, r: '=HYPERLINK("http://example.com","x")' }, tokens.staff);

  const auditBefore = await count('growth_audit where role = $1', ['coordinator']);
  const res = await get(MONTH, tokens.coordinator);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toBe(`attachment; filename="committee-${MONTH}.csv"`);
  const bytes = Buffer.from(await res.arrayBuffer());
  // A byte order mark first, so that Excel reads the Japanese as UTF-8.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = parse(bytes.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
  expect(Object.keys(rows[0])).toEqual(PACK_HEADER);

  // The same agenda the graph gives a coordinator.
  const agenda = await gql(
    `query($m: String!) { committeeMeeting(month: $m) { agenda { reasons company { id } } } }`,
    { m: MONTH },
    tokens.coordinator,
  );
  expect(rows.map((r) => r['企業ID'])).toEqual(agenda.data!.committeeMeeting.agenda.map((a: any) => a.company.id));
  const own = rows.find((r) => r['企業ID'] === ownFirm)!;
  expect(own).toMatchObject({
    会議月: MONTH,
    区分: '推薦・審議',
    判定: '選定',
    判定理由: '計画が具体的で複数機関の支援が有効',
    判定者: 'coord-1',
  });
  expect(rows.some((r) => r['区分'] === 'スコア上位')).toBe(true);
  expect(rows.find((r) => r['企業ID'] === formulaFirm)!['推薦理由']).toBe(`'=HYPERLINK("http://example.com","x")`);
  // Printing the pack is a read of every firm on it.
  expect(await count('growth_audit where role = $1', ['coordinator'])).toBeGreaterThanOrEqual(
    auditBefore + rows.length,
  );
});

test('two identical reads at once are two audit rows, and the log cannot be changed', async () => {
  const query = `query($id: ID!) { company(id: $id) { growth { status } } }`;
  const before = await count('growth_audit where firm_id = $1', [ownFirm]);
  const [a, b] = await Promise.all([
    gql(query, { id: ownFirm }, tokens.staff),
    gql(query, { id: ownFirm }, tokens.staff),
  ]);
  expect([a.errors, b.errors]).toEqual([undefined, undefined]);
  expect(await count('growth_audit where firm_id = $1', [ownFirm])).toBe(before + 2);
  const [row] = await app.store.query<{ subject: string; role: string; agency_id: string; fields: string[] }>(
    'select subject, role, agency_id, fields from growth_audit where firm_id = $1 order by id desc limit 1',
    [ownFirm],
  );
  expect(row).toEqual({ subject: 'staff-1', role: 'staff', agency_id: agency, fields: ['growth.status'] });
  await expect(app.store.query('update growth_audit set role = $1', ['coordinator'])).rejects.toThrow(/append-only/);
  await expect(app.store.query('delete from growth_audit')).rejects.toThrow(/append-only/);
  // Coordinators read the log through the graph; nothing in the graph writes it.
  const log = await gql(
    `query($id: ID!) { growthAudit(filter: { companyId: $id }, first: 2) { totalCount edges { node { role subject fields agency { id } } } } }`,
    { id: ownFirm },
    tokens.coordinator,
  );
  expect(log.data!.growthAudit.totalCount).toBe(before + 2);
  expect(log.data!.growthAudit.edges[0].node).toEqual({
    role: 'staff',
    subject: 'staff-1',
    fields: ['growth.status'],
    agency: { id: agency },
  });
  const mutations = await gql('{ __schema { mutationType { fields { name } } } }', {});
  expect(
    mutations.data!.__schema.mutationType.fields.map((f: any) => f.name).filter((n: string) => /audit/i.test(n)),
  ).toEqual([]);
});

test('a coordinator joins a proposed match of sole proprietors into one network firm; staff cannot', async () => {
  const proposals = await gql(
    `{ firmMatchProposals(first: 50) { key level evidence members { company { id identifiedBy } agencies { id } phones consultations } } }`,
    {},
    tokens.coordinator,
  );
  expect(proposals.errors).toBeUndefined();
  const proposal = proposals.data!.firmMatchProposals.find((p: any) => p.level === 'PHONE_MATCHES');
  const ids = proposal.members.map((m: any) => m.company.id);
  expect(proposal.members.every((m: any) => m.company.identifiedBy === 'AGENCY_RECORD')).toBe(true);
  const CONFIRM = `mutation($ids: [ID!]!) { confirmFirmMatch(companyIds: $ids) { id identifiedBy consultations(first: 50) { totalCount } } }`;
  const byStaff = await gql(CONFIRM, { ids }, tokens.staff);
  expect(byStaff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const confirmed = await gql(CONFIRM, { ids }, tokens.coordinator);
  expect(confirmed.errors).toBeUndefined();
  expect(confirmed.data!.confirmFirmMatch).toMatchObject({
    identifiedBy: 'NETWORK_ID',
    consultations: { totalCount: proposal.members.reduce((s: number, m: any) => s + m.consultations, 0) },
  });
  // Sent again, the same confirmation is the same firm.
  const again = await gql(CONFIRM, { ids }, tokens.coordinator);
  expect(again.data!.confirmFirmMatch.id).toBe(confirmed.data!.confirmFirmMatch.id);
  const firm = await gql(
    `query($id: ID!) { company(id: $id) { name growth { score { contributions { signal value } } } } }`,
    { id: confirmed.data!.confirmFirmMatch.id },
    tokens.coordinator,
  );
  const agencies = firm.data!.company.growth.score.contributions.find((c: any) => c.signal === 'AGENCIES');
  expect(Number(agencies.value)).toBe(
    new Set(proposal.members.flatMap((m: any) => m.agencies.map((a: any) => a.id))).size,
  );
});

test('decisions and plans survive a restart of the whole system on its data directory', async () => {
  const query = `query($id: ID!) { company(id: $id) { growth { status decisions { decision reason decidedBy } plan { goals history { note } } } } }`;
  const before = await gql(query, { id: ownFirm }, tokens.coordinator);
  expect(before.data!.company.growth.decisions[0]).toMatchObject({ decision: 'SELECTED' });
  await app.close();
  app = await start();
  const after = await gql(query, { id: ownFirm }, tokens.coordinator);
  expect(after.errors).toBeUndefined();
  expect(after.data).toEqual(before.data);
});
