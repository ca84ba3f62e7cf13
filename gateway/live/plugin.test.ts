/**
 * Per request: a live field whose @requires reads built-in fields is refused to a role that may not
 * read them, and every live field asked for is remembered as used.
 */
import { composeServices } from '@apollo/composition';
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { SUBGRAPHS } from '../../subgraphs';
import { liveFieldsPlugin, rolesByType } from './plugin';
import type { LiveRegistry } from './registry';

const composed = composeServices(
  SUBGRAPHS.map((m) => ({ name: m.name, typeDefs: m.typeDefs, url: `http://x/${m.name}` })),
);
const api = composed.schema!.toAPISchema().toGraphQLJSSchema();

test('a type’s roles are those of the root fields it is reachable from', () => {
  const roles = rolesByType(api);
  expect([...roles.get('Organization')!].sort()).toEqual(['analyst', 'anonymous', 'coordinator', 'staff']);
  expect([...roles.get('ConsultationStats')!].sort()).toEqual(['analyst', 'coordinator']);
});

test('a live field requiring a firm’s data is refused to a role that may not read it; used fields are remembered', async () => {
  // The API schema as the gateway would serve it with a live source adding two fields.
  const schema = buildSchema(
    `type Query { organization(id: ID!): Organization company(id: ID!): Company }
     type Organization { id: ID! name: String! equipment: [String] }
     type Company { id: ID! employees: Int loanCap: Int }`,
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
  const run = async (query: string, role: string) => {
    const document = parse(query);
    const hooks = await plugin.requestDidStart!({} as never);
    return (hooks as { didResolveOperation: (c: unknown) => Promise<void> }).didResolveOperation({
      schema,
      document,
      operation: document.definitions[0] as OperationDefinitionNode,
      contextValue: { viewer: { role } },
    });
  };
  await run('{ organization(id: "x") { name equipment } }', 'anonymous');
  expect([...registry.used]).toEqual(['Organization.equipment']);
  // Company is reached by the root field company: staff and coordinators.
  await expect(run('{ company(id: "x") { loanCap } }', 'staff')).resolves.toBeUndefined();
  await expect(run('{ company(id: "x") { loanCap } }', 'analyst')).rejects.toMatchObject({
    message: 'Company.loanCap (live source shinkin/loans) needs Company.employees, which role analyst may not read',
    extensions: { code: 'FORBIDDEN' },
  });
  expect(registry.used.has('Company.loanCap')).toBe(true);
});
