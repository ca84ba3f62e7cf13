/**
 * The growth privacy matrix, driven by the schema the gateway publishes: every field reachable
 * in a firm's growth file (CompanyGrowth, leaf by leaf through scores, nominations, decisions and
 * plans) through every entry point that reaches one — a firm by id (the agency's own client and
 * another agency's), the growth list, a meeting's agenda, a consultation's firm — by every role;
 * and after every request, the audit log: a row naming the firm and the field for every read
 * that returned data, none for a refused one. A new field added to the schema joins by itself.
 */
import {
  buildClientSchema,
  getIntrospectionQuery,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { gql as ask, type GraphQLResult } from './gateway-helpers';
import type { Embedded } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { leafSelections } from '../support/schema';
import { startDemo } from '../support/demo';

const SECRET = new TextEncoder().encode('growth-matrix-secret-growth-matrix-secret');
let app: Embedded;
let schema: GraphQLSchema;
const tokens: Record<string, string | null> = { anonymous: null };
/** The staff member's agency: one that leads an active support plan. */
let agency: string;
let ownFirm: string;
let otherFirm: string;
let ownConsultation: string;
let lastMeeting: string;
let staffVisible: Set<string>;

type Result = GraphQLResult;

/** A GraphQL request to the gateway, with a bearer token when given. */
const gql = (query: string, variables: Record<string, unknown>, token?: string | null): Promise<Result> =>
  ask(app.gateway.url, { query, variables }, token);

beforeAll(async () => {
  app = await startDemo({
    auth: { secret: SECRET },
  });
  const store = app.store;
  [{ agency, firm: ownFirm }] = await store.query<{ agency: string; firm: string }>(
    `select lead_agency as agency, firm_id as firm from support_plan_events e
     where status = 'ACTIVE' and not exists (select 1 from support_plan_events x where x.plan_id = e.plan_id and x.status <> 'ACTIVE')
       and exists (select 1 from firm_clients c where c.firm_id = e.firm_id and c.organization_id = e.lead_agency)
     order by firm_id limit 1`,
  );
  [{ firm: otherFirm }] = await store.query<{ firm: string }>(
    `select d.firm_id as firm from committee_decisions d where d.decision = 'SELECTED'
       and not exists (select 1 from firm_clients c where c.firm_id = d.firm_id and c.organization_id = $1)
       and not exists (select 1 from support_plan_events e where e.firm_id = d.firm_id and (e.lead_agency = $1 or $1 = any(e.participating_agencies)))
       and exists (select 1 from firm_signals s where s.firm_id = d.firm_id)
     order by 1 limit 1`,
    [agency],
  );
  [{ id: ownConsultation }] = await store.query<{ id: string }>(
    `select id from consultations where corporate_number = $1 and organization_id = $2 order by id limit 1`,
    [ownFirm, agency],
  );
  [{ month: lastMeeting }] = await store.query<{ month: string }>(`select max(month) as month from committee_meetings`);
  staffVisible = new Set(
    (
      await store.query<{ id: string }>(
        `select firm_id as id from firm_clients where organization_id = $1
       union select firm_id from support_plan_events where lead_agency = $1 or $1 = any(participating_agencies)`,
        [agency],
      )
    ).map((r) => r.id),
  );
  tokens.staff = await signDevelopmentToken({ role: 'staff', agency }, SECRET);
  tokens.coordinator = await signDevelopmentToken({ role: 'coordinator' }, SECRET);
  tokens.analyst = await signDevelopmentToken({ role: 'analyst' }, SECRET);
  schema = buildClientSchema((await gql(getIntrospectionQuery(), {}, null)).data as unknown as IntrospectionQuery);
});

afterAll(async () => {
  await app.close();
});

/** What staff may read of their agency's firms; every other part of the file is for coordinators. */
const STAFF_FIELDS = new Set(['status', 'nominations', 'plan', 'plans']);

const ENTRY_POINTS = [
  {
    name: 'company(own)',
    wrap: (s: string) => `query($id: ID!) { company(id: $id) { id growth { ${s} } } }`,
    vars: () => ({ id: ownFirm }),
    nodes: (d: any) => (d?.company ? [d.company] : []),
  },
  {
    name: 'company(other)',
    wrap: (s: string) => `query($id: ID!) { company(id: $id) { id growth { ${s} } } }`,
    vars: () => ({ id: otherFirm }),
    nodes: (d: any) => (d?.company ? [d.company] : []),
  },
  {
    name: 'growthFirms',
    wrap: (s: string) => `{ growthFirms(first: 4) { edges { node { id growth { ${s} } } } } }`,
    nodes: (d: any) => d?.growthFirms?.edges.map((e: any) => e.node) ?? [],
  },
  {
    name: 'agenda',
    wrap: (s: string) =>
      `query($m: String!) { committeeMeeting(month: $m) { agenda { company { id growth { ${s} } } } } }`,
    vars: () => ({ m: lastMeeting }),
    nodes: (d: any) => d?.committeeMeeting?.agenda.map((a: any) => a.company) ?? [],
  },
  {
    name: 'consultation.firm',
    wrap: (s: string) => `query($id: ID!) { consultation(id: $id) { firm { id growth { ${s} } } } }`,
    vars: () => ({ id: ownConsultation }),
    nodes: (d: any) => (d?.consultation?.firm ? [d.consultation.firm] : []),
  },
];

interface Cell {
  role: string;
  entry: (typeof ENTRY_POINTS)[number];
  field: string;
  subject: string;
  result?: Result;
}

/** Runs cells a few at a time; each has its own token subject, so audit rows name their cell. */
async function runCells(cells: Cell[], concurrency = 6): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < cells.length) {
        const cell = cells[next++];
        const token =
          cell.role === 'anonymous'
            ? null
            : await signDevelopmentToken(
                { role: cell.role as 'staff', agency: cell.role === 'staff' ? agency : undefined, sub: cell.subject },
                SECRET,
              );
        cell.result = await gql(cell.entry.wrap(cell.field), cell.entry.vars?.() ?? {}, token);
      }
    }),
  );
}

test('every growth field through every entry point, for every role: data only where allowed, an audit row for every read and none for a refused one', async () => {
  const fields = leafSelections(
    schema.getType('CompanyGrowth') as GraphQLObjectType,
    new Set(['Organization', 'Company']),
  );
  for (const f of [
    'status',
    'score { total }',
    'score { contributions { reason } }',
    'signals { agencies }',
    'nominations { rationale }',
    'decisions { reason }',
    'plan { goals }',
    'plans { history { note } }',
  ]) {
    expect(fields).toContain(f);
  }
  const cells: Cell[] = [];
  for (const role of ['anonymous', 'analyst', 'staff', 'coordinator']) {
    for (const entry of ENTRY_POINTS)
      for (const field of fields) cells.push({ role, entry, field, subject: `matrix-${cells.length}` });
  }
  const since = (await app.store.query<{ id: number }>('select coalesce(max(id), 0)::int as id from growth_audit'))[0]
    .id;
  await runCells(cells);
  const rows = await app.store.query<{ subject: string | null; firm: string; role: string; fields: string[] }>(
    'select subject, firm_id as firm, role, fields from growth_audit where id > $1',
    [since],
  );
  for (const cell of cells) {
    const { role, entry, field } = cell;
    const r = cell.result!;
    const top = field.split(' ')[0];
    const nodes: Array<{ id: string; growth: Record<string, unknown> | null }> = entry.nodes(r.data) ?? [];
    const audited = rows.filter((a) => a.subject === cell.subject);
    const readsOfField = audited.filter((a) => a.fields.includes(`growth.${top}`));
    const where = `${role} × ${entry.name} × ${field}`;
    if (role === 'anonymous' || role === 'analyst') {
      expect({ where, nodes }).toEqual({ where, nodes: [] });
      expect({ where, code: r.errors?.[0]?.extensions?.code }).toEqual({
        where,
        code: role === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
      });
      if (role === 'anonymous') expect({ where, status: r.status }).toEqual({ where, status: 401 });
      expect({ where, audited }).toEqual({ where, audited: [] });
    } else if (role === 'staff') {
      const leaked = nodes.filter((n) => !staffVisible.has(n.id) && n.growth !== null);
      expect({ where, leaked }).toEqual({ where, leaked: [] });
      if (entry.name === 'agenda') {
        expect({ where, code: r.errors?.[0]?.extensions?.code }).toEqual({ where, code: 'FORBIDDEN' });
        expect({ where, audited }).toEqual({ where, audited: [] });
      } else if (entry.name === 'company(other)') {
        // Another agency's firm is not there for this staff member: nothing read, nothing logged.
        expect({ where, data: r.data, errors: r.errors }).toEqual({
          where,
          data: { company: null },
          errors: undefined,
        });
        expect({ where, audited }).toEqual({ where, audited: [] });
      } else if (STAFF_FIELDS.has(top)) {
        expect({ where, errors: r.errors }).toEqual({ where, errors: undefined });
        expect({ where, found: nodes.length > 0 }).toEqual({ where, found: true });
        for (const n of nodes)
          expect({
            where,
            firm: n.id,
            logged: readsOfField.some((a) => a.firm === n.id && a.role === 'staff'),
          }).toEqual({ where, firm: n.id, logged: true });
      } else {
        // The file is there, this part of it is not: refused, and not logged as read.
        expect({ where, code: r.errors?.[0]?.extensions?.code }).toEqual({ where, code: 'FORBIDDEN' });
        expect({ where, values: nodes.map((n) => n.growth?.[top] ?? null) }).toEqual({
          where,
          values: nodes.map(() => null),
        });
        expect({ where, readsOfField }).toEqual({ where, readsOfField: [] });
      }
    } else {
      expect({ where, errors: r.errors }).toEqual({ where, errors: undefined });
      expect({ where, found: nodes.length > 0 }).toEqual({ where, found: true });
      for (const n of nodes)
        expect({
          where,
          firm: n.id,
          logged: readsOfField.some((a) => a.firm === n.id && a.role === 'coordinator'),
        }).toEqual({ where, firm: n.id, logged: true });
    }
  }
  expect(cells.length).toBe(4 * ENTRY_POINTS.length * fields.length);
}, 600_000);

test('the programme’s figures, meetings, audit log and firm matching, for every role', async () => {
  const expected: Record<string, Record<string, 'ok' | string>> = {
    '{ growthSummary { selectedTotal active graduated meetings } }': {
      anonymous: 'UNAUTHENTICATED',
      analyst: 'ok',
      staff: 'FORBIDDEN',
      coordinator: 'ok',
    },
    '{ growthCounts(groupBy: [YEAR]) { total cells { keys { value } count suppressed } } }': {
      anonymous: 'UNAUTHENTICATED',
      analyst: 'ok',
      staff: 'FORBIDDEN',
      coordinator: 'ok',
    },
    '{ committeeMeetings { month heldOn decisions { reason company { id } } } }': {
      anonymous: 'UNAUTHENTICATED',
      analyst: 'FORBIDDEN',
      staff: 'FORBIDDEN',
      coordinator: 'ok',
    },
    '{ growthAudit(first: 3) { totalCount edges { node { at role fields company { id } } } } }': {
      anonymous: 'UNAUTHENTICATED',
      analyst: 'FORBIDDEN',
      staff: 'FORBIDDEN',
      coordinator: 'ok',
    },
    '{ firmMatchProposals(first: 2) { level evidence members { phones addresses company { id } } } }': {
      anonymous: 'UNAUTHENTICATED',
      analyst: 'FORBIDDEN',
      staff: 'FORBIDDEN',
      coordinator: 'ok',
    },
  };
  for (const [query, byRole] of Object.entries(expected)) {
    for (const [role, outcome] of Object.entries(byRole)) {
      const r = await gql(query, {}, tokens[role]);
      const where = `${role} × ${query.slice(0, 40)}`;
      if (outcome === 'ok') {
        expect({ where, errors: r.errors }).toEqual({ where, errors: undefined });
        expect(r.data).toBeTruthy();
      } else {
        expect({ where, data: r.data ?? null, code: r.errors?.[0]?.extensions?.code }).toEqual({
          where,
          data: null,
          code: outcome,
        });
      }
    }
  }
});

test('analysts get counts perturbed with small cells withheld, coordinators exact counts', async () => {
  const query =
    '{ growthCounts(groupBy: [AGENCY, INDUSTRY]) { total cells { keys { value } count suppressed } suppressedCells } }';
  const analyst = (await gql(query, {}, tokens.analyst)).data!.growthCounts;
  const coordinator = (await gql(query, {}, tokens.coordinator)).data!.growthCounts;
  expect(coordinator.suppressedCells).toBe(0);
  expect(coordinator.cells.some((c: any) => c.count > 0 && c.count < 5)).toBe(true);
  // Cells under 5 are left out for analysts, so whether one is listed says nothing of a firm.
  expect(analyst.suppressedCells).toBe(0);
  const exact = new Map(coordinator.cells.map((c: any) => [c.keys.map((k: any) => k.value).join('|'), c.count]));
  const shown = new Set(analyst.cells.map((c: any) => c.keys.map((k: any) => k.value).join('|')));
  for (const c of analyst.cells) {
    const n = exact.get(c.keys.map((k: any) => k.value).join('|')) as number;
    expect(n).toBeGreaterThanOrEqual(5);
    expect(c.count).toBeGreaterThanOrEqual(5);
    expect(Math.abs(c.count - n)).toBeLessThanOrEqual(2);
  }
  for (const [k, n] of exact) expect(shown.has(k)).toBe((n as number) >= 5);
  expect(Math.abs(analyst.total - coordinator.total)).toBeLessThanOrEqual(2);
});

test('analysts cannot take a withheld figure back by subtraction: every figure is its plans’ perturbed value', async () => {
  // A filter and its complement would cut a fresh subset of plans: analysts group by STATUS instead.
  const filtered = await gql('{ growthCounts(groupBy: [AGENCY], statuses: [ACTIVE]) { total } }', {}, tokens.analyst);
  expect(filtered.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const query = '{ growthSummary { selectedTotal active graduated withdrawn } }';
  const exact = (await gql(query, {}, tokens.coordinator)).data!.growthSummary;
  const shown = (await gql(query, {}, tokens.analyst)).data!.growthSummary;
  const byStatus = (
    await gql('{ growthCounts(groupBy: [STATUS]) { cells { keys { value } count } } }', {}, tokens.analyst)
  ).data!.growthCounts.cells;
  const parts = ['active', 'graduated', 'withdrawn'] as const;
  expect(parts.filter((p) => exact[p] > 0 && exact[p] < 5).length).toBeGreaterThan(0);
  for (const p of parts) {
    if (exact[p] > 0 && exact[p] < 5) expect(shown[p]).toBeNull();
    else if (exact[p] >= 5) expect(Math.abs(shown[p] - exact[p])).toBeLessThanOrEqual(2);
    // The same plans as growthCounts' STATUS cell, so the same value: the summary tells no noise.
    const cell = byStatus.find((c: any) => c.keys[0].value === p.toUpperCase());
    expect(shown[p]).toBe(cell ? cell.count : null);
  }
  expect(Math.abs(shown.selectedTotal - exact.selectedTotal)).toBeLessThanOrEqual(2);
});
