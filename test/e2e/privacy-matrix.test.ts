/**
 * The full privacy matrix, driven by the schema the gateway publishes: every field reachable
 * from a Consultation (leaf by leaf, through CompanyProfile, Referral and the rest) is asked for
 * through every entry point that returns consultations, by every role. Anonymous callers and
 * analysts must get no consultation data at all; staff only records their agency received or was
 * referred; coordinators everything. A new field added to the schema joins the matrix by itself.
 */
import {
  buildClientSchema,
  getIntrospectionQuery,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { fetch } from 'undici';
import type { Embedded } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { leafSelections } from '../support/schema';
import { startDemo } from '../support/demo';

const SECRET = new TextEncoder().encode('privacy-matrix-secret-privacy-matrix-secret');
const AGENCY = 'hyogo-cgc';
let app: Embedded;
let schema: GraphQLSchema;
const tokens: Record<string, string | null> = { anonymous: null };
let visible: Set<string>;
let ownId: string;
let otherId: string;
let firm: string;

type Result = {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
};

async function gql(query: string, variables: Record<string, unknown>, token: string | null): Promise<Result> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`http://127.0.0.1:${app.gateway.port}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

beforeAll(async () => {
  app = await startDemo({
    auth: { secret: SECRET },
  });
  tokens.staff = await signDevelopmentToken({ role: 'staff', agency: AGENCY }, SECRET);
  tokens.coordinator = await signDevelopmentToken({ role: 'coordinator' }, SECRET);
  tokens.analyst = await signDevelopmentToken({ role: 'analyst' }, SECRET);
  const introspection = await gql(getIntrospectionQuery(), {}, null);
  schema = buildClientSchema(introspection.data as unknown as IntrospectionQuery);
  visible = new Set(
    (
      await app.store.query<{ id: string }>(
        `select id from consultations c where c.organization_id = $1 or c.referred_to_id = $1
         or exists (select 1 from referrals r where r.consultation_id = c.id and r.to_organization_id = $1)`,
        [AGENCY],
      )
    ).map((r) => r.id),
  );
  [{ id: ownId }] = await app.store.query<{ id: string }>(
    `select id from consultations where organization_id = $1 order by id limit 1`,
    [AGENCY],
  );
  [{ id: otherId }] = await app.store.query<{ id: string }>(
    `select id from consultations c where organization_id <> $1 and (referred_to_id is null or referred_to_id <> $1) order by id limit 1`,
    [AGENCY],
  );
  [{ firm }] = await app.store.query<{ firm: string }>(
    `select corporate_number as firm from consultations where corporate_number is not null group by 1 having count(distinct organization_id) > 1 order by 1 limit 1`,
  );
});

afterAll(async () => {
  await app.close();
});

const ENTRY_POINTS = [
  {
    name: 'consultations',
    wrap: (s: string) => `{ consultations(first: 100) { edges { node { id ${s} } } } }`,
    nodes: (d: any) => d?.consultations?.edges.map((e: any) => e.node),
  },
  {
    name: 'consultation(own)',
    wrap: (s: string) => `query($id: ID!) { consultation(id: $id) { id ${s} } }`,
    vars: () => ({ id: ownId }),
    nodes: (d: any) => (d?.consultation ? [d.consultation] : []),
  },
  {
    name: 'consultation(other)',
    wrap: (s: string) => `query($id: ID!) { consultation(id: $id) { id ${s} } }`,
    vars: () => ({ id: otherId }),
    nodes: (d: any) => (d?.consultation ? [d.consultation] : []),
  },
  {
    name: 'companyHistory',
    wrap: (s: string) => `query($c: String!) { companyHistory(corporateNumber: $c) { consultations { id ${s} } } }`,
    vars: () => ({ c: firm }),
    nodes: (d: any) => d?.companyHistory?.consultations ?? [],
  },
];

test('every consultation field through every entry point, for every role, leaks nothing', async () => {
  const consultation = schema.getType('Consultation') as GraphQLObjectType;
  // Other subgraphs' entities (Organization) are public; one key field is enough to cross them.
  const fields = leafSelections(consultation, new Set(['Organization']));
  // The matrix covers the record, the firm, the people and the hand-offs.
  for (const f of [
    'summary',
    'consultant',
    'company { name }',
    'company { corporateNumber }',
    'referrals { note }',
    'referrals { referredBy }',
    'organization { id }',
  ]) {
    expect(fields).toContain(f);
  }
  let cells = 0;
  for (const role of ['anonymous', 'analyst', 'staff', 'coordinator']) {
    for (const entry of ENTRY_POINTS) {
      for (const field of fields) {
        const r = await gql(entry.wrap(field), entry.vars?.() ?? {}, tokens[role]);
        const nodes: Array<{ id: string }> = entry.nodes(r.data) ?? [];
        const where = `${role} × ${entry.name} × ${field}`;
        cells += 1;
        if (role === 'anonymous' || role === 'analyst') {
          expect({ where, nodes }).toEqual({ where, nodes: [] });
          expect({ where, code: r.errors?.[0]?.extensions?.code }).toEqual({
            where,
            code: role === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
          });
          if (role === 'anonymous') expect({ where, status: r.status }).toEqual({ where, status: 401 });
        } else if (role === 'staff') {
          expect({ where, leaked: nodes.filter((n) => !visible.has(n.id)).map((n) => n.id) }).toEqual({
            where,
            leaked: [],
          });
          if (entry.name === 'companyHistory')
            expect({ where, code: r.errors?.[0]?.extensions?.code }).toEqual({ where, code: 'FORBIDDEN' });
          else expect({ where, errors: r.errors }).toEqual({ where, errors: undefined });
          if (entry.name === 'consultation(own)') expect(nodes.map((n) => n.id)).toEqual([ownId]);
          if (entry.name === 'consultations') expect(nodes.length).toBe(Math.min(100, visible.size));
        } else {
          expect({ where, errors: r.errors }).toEqual({ where, errors: undefined });
          expect({ where, found: nodes.length > 0 }).toEqual({ where, found: true });
        }
      }
    }
  }
  expect(cells).toBe(4 * ENTRY_POINTS.length * fields.length);
}, 240_000);

test('only staff of the owning agency may refer, and a refused referral writes nothing', async () => {
  const refer = `mutation($id: ID!) { referConsultation(id: $id, to: "hyogo-iac", note: "matrix") { id summary } }`;
  const before = await app.store.query<{ n: number }>('select count(*)::int as n from referrals');
  const expected: Record<string, string> = {
    anonymous: 'UNAUTHENTICATED',
    analyst: 'FORBIDDEN',
    coordinator: 'FORBIDDEN',
    staff: 'FORBIDDEN',
  };
  for (const role of Object.keys(expected)) {
    // Staff of hyogo-cgc try a consultation another agency received.
    const r = await gql(refer, { id: otherId }, tokens[role]);
    expect({ role, data: r.data?.referConsultation ?? null, code: r.errors?.[0]?.extensions?.code }).toEqual({
      role,
      data: null,
      code: expected[role],
    });
  }
  expect(await app.store.query<{ n: number }>('select count(*)::int as n from referrals')).toEqual(before);
});
