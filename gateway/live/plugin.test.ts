/**
 * Per request: a live field whose @requires reads built-in fields is refused to a role that may not
 * read them; one reached through consultation records or firms is answered only for the source's
 * own agency's staff; every live field asked for is remembered as used.
 */
import { composeServices } from '@apollo/composition';
import { buildSchema, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { SUBGRAPHS } from '../../subgraphs';
import { firmScope, liveFieldsPlugin, rolesByType } from './plugin';
import type { LiveRegistry } from './registry';

const composed = composeServices(
  SUBGRAPHS.map((m) => ({ name: m.name, typeDefs: m.typeDefs, url: `http://x/${m.name}` })),
);
const api = composed.schema!.toAPISchema().toGraphQLJSSchema();

type Viewer = { role: string; agencyId?: string };

/** The plugin's check of one operation, as the gateway runs it after validation. */
function runner(plugin: ReturnType<typeof liveFieldsPlugin>, schema: GraphQLSchema) {
  return async (query: string, viewer: Viewer) => {
    const document = parse(query);
    const hooks = await plugin.requestDidStart!({} as never);
    return (hooks as { didResolveOperation: (c: unknown) => Promise<void> }).didResolveOperation({
      schema,
      document,
      operation: document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode,
      contextValue: { viewer },
    });
  };
}

test('a type’s roles are those of the root fields it is reachable from', () => {
  const roles = rolesByType(api);
  expect([...roles.get('Organization')!].sort()).toEqual(['analyst', 'anonymous', 'coordinator', 'staff']);
  expect([...roles.get('ConsultationStats')!].sort()).toEqual(['analyst', 'coordinator']);
});

test('a live field requiring a firm’s data is refused to a role that may not read it; used fields are remembered', async () => {
  // The API schema as the gateway would serve it with a live source adding two fields.
  const schema = buildSchema(
    `type Query { organization(id: ID!): Organization company(id: ID!): Company consultations: [Consultation] }
     type Organization { id: ID! name: String! equipment: [String] }
     type Company { id: ID! employees: Int loanCap: Int }
     type Consultation { id: ID! organization: Organization }`,
  );
  const registry = {
    owners: new Map([
      ['Organization.equipment', 'hyogo-itc/equipment'],
      ['Company.loanCap', 'shinkin/loans'],
    ]),
    requires: new Map([['Company.loanCap', ['Company.employees']]]),
    used: new Set<string>(),
  } as unknown as LiveRegistry;
  const plugin = liveFieldsPlugin(registry);
  const run = runner(plugin, schema);
  await run('{ organization(id: "x") { name equipment } }', { role: 'anonymous' });
  expect([...registry.used]).toEqual(['Organization.equipment']);
  // Company is reached by the root field company: the source's own agency's staff only.
  await expect(
    run('{ company(id: "x") { loanCap } }', { role: 'staff', agencyId: 'shinkin' }),
  ).resolves.toBeUndefined();
  await expect(run('{ company(id: "x") { loanCap } }', { role: 'analyst' })).rejects.toMatchObject({
    message: 'Company.loanCap (live source shinkin/loans) needs Company.employees, which role analyst may not read',
    extensions: { code: 'FORBIDDEN' },
  });
  // A coordinator may read employees, but the firm reached is the source's agency's staff's only.
  await expect(run('{ company(id: "x") { loanCap } }', { role: 'coordinator' })).rejects.toMatchObject({
    message: expect.stringContaining('is reached through company'),
  });
  expect(registry.used.has('Company.loanCap')).toBe(true);
});

test('a live field reached through consultation records or firms is answered only for the source’s agency’s staff', async () => {
  const schema = buildSchema(
    `type Query { organization(id: ID!): Organization company(id: ID!): Company consultations: [Consultation] }
     type Organization { id: ID! name: String! equipment: [String] }
     type Company { id: ID! employees: Int loanOffers: [String] }
     type Consultation { id: ID! organization: Organization company: Company }`,
  );
  const registry = {
    owners: new Map([
      ['Organization.equipment', 'hyogo-itc/equipment'],
      ['Company.loanOffers', 'shinkin/loans'],
    ]),
    requires: new Map(),
    used: new Set<string>(),
  } as unknown as LiveRegistry;
  const plugin = liveFieldsPlugin(registry);
  const run = runner(plugin, schema);
  const coordinator = { role: 'coordinator' };
  const itcStaff = { role: 'staff', agencyId: 'hyogo-itc' };
  // Open to everyone where the path is public.
  await expect(run('{ organization(id: "x") { equipment } }', { role: 'anonymous' })).resolves.toBeUndefined();
  // Through consultations the service would learn which organizations a firm's records name.
  await expect(run('{ consultations { organization { equipment } } }', coordinator)).rejects.toMatchObject({
    message: expect.stringMatching(
      /^Organization\.equipment \(live source hyogo-itc\/equipment\) is reached through consultations: /,
    ),
    extensions: { code: 'FORBIDDEN' },
  });
  await expect(
    run('{ consultations { organization { equipment } } }', { role: 'staff', agencyId: 'hyogo-cgc' }),
  ).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  await expect(run('{ consultations { organization { equipment } } }', itcStaff)).resolves.toBeUndefined();
  // However it is spelled: an alias, a fragment spread, an inline fragment on the root.
  for (const query of [
    '{ c: consultations { o: organization { e: equipment } } }',
    'query { ...R } fragment R on Query { consultations { ...O } } fragment O on Consultation { organization { equipment } }',
    '{ ... on Query { consultations { organization { ... on Organization { equipment } } } } }',
  ])
    await expect(run(query, coordinator)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  // A type only restricted roots reach (a firm) is its agency's staff's however it is reached.
  await expect(run('{ company(id: "x") { loanOffers } }', coordinator)).rejects.toMatchObject({
    message: expect.stringContaining('is reached through company'),
  });
  await expect(
    run('{ company(id: "x") { loanOffers } }', { role: 'staff', agencyId: 'shinkin' }),
  ).resolves.toBeUndefined();
});

test('what is private is read from the built-in graph: a root the guard does not list but reaching firms, and a live root handing out firms', async () => {
  const builtinSdl = `type Query { organization(id: ID!): Organization nominations: [Nomination] }
     type Organization { id: ID! name: String! }
     type Nomination { company: Company agency: Organization }
     type Company { id: ID! employees: Int consultations: [Consultation] }
     type Consultation { id: ID! organization: Organization }`;
  const builtin = buildSchema(builtinSdl);
  const scope = firmScope(builtin);
  expect([...scope.roots]).toEqual(['nominations']);
  expect([...scope.types].sort()).toEqual(['Company', 'Consultation', 'Nomination']);
  // Served: the built-in graph plus a live source's fields, one of them a root field returning firms.
  const schema = buildSchema(
    builtinSdl
      .replace('nominations: [Nomination] }', 'nominations: [Nomination] firms: [Company] }')
      .replace('name: String! }', 'name: String! equipment: [String] }')
      .replace('employees: Int', 'employees: Int loanOffers: [String]'),
  );
  const registry = {
    owners: new Map([
      ['Organization.equipment', 'hyogo-itc/equipment'],
      ['Company.loanOffers', 'shinkin/loans'],
      ['Query.firms', 'shinkin/loans'],
    ]),
    requires: new Map(),
    used: new Set<string>(),
  } as unknown as LiveRegistry;
  const plugin = liveFieldsPlugin(registry, { roles: rolesByType(builtin), scope });
  const run = runner(plugin, schema);
  const coordinator = { role: 'coordinator' };
  await expect(run('{ nominations { agency { equipment } } }', coordinator)).rejects.toMatchObject({
    message: expect.stringContaining(
      'Organization.equipment (live source hyogo-itc/equipment) is reached through nominations',
    ),
  });
  await expect(run('{ firms { loanOffers } }', coordinator)).rejects.toMatchObject({
    message: expect.stringContaining('Company.loanOffers (live source shinkin/loans) is reached through Company'),
  });
  await expect(run('{ firms { consultations { organization { equipment } } } }', coordinator)).rejects.toMatchObject({
    message: expect.stringContaining(
      'Organization.equipment (live source hyogo-itc/equipment) is reached through Company',
    ),
  });
  // The live root itself is the source's own; what it hands out is its own agency's staff's.
  await expect(run('{ firms { id } }', coordinator)).resolves.toBeUndefined();
  await expect(run('{ firms { loanOffers } }', { role: 'staff', agencyId: 'shinkin' })).resolves.toBeUndefined();
  await expect(run('{ organization(id: "x") { equipment } }', { role: 'anonymous' })).resolves.toBeUndefined();
});
