/**
 * What a live source may declare: new types and nullable fields on shared entities, never a
 * built-in field, type or value, nor anything reaching into consultation records.
 */
import { parse } from 'graphql';
import { SUBGRAPHS } from '../../subgraphs';
import { builtinTypesOf, ownershipProblems, requiredFieldsOf, schemaElements } from './ownership';

const builtins = builtinTypesOf(SUBGRAPHS.map((m) => ({ name: m.name, typeDefs: m.typeDefs })));
const LABEL = 'agency "hyogo-itc" (source equipment)';
const HEAD =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires", "@override", "@shareable"])\n';
const problems = (sdl: string) => ownershipProblems(LABEL, parse(HEAD + sdl), builtins);

test('new types, root fields and nullable fields on shared entities are the source’s own', () => {
  expect(
    problems(`
      type Organization @key(fields: "id") { id: ID! equipment: [Equipment!] }
      type Program @key(fields: "id") { id: ID! guaranteeFee(amount: Int!): Int }
      type Company @key(fields: "id") { id: ID! loanOffers: [String!] }
      type Equipment { id: ID! name: String! }
      scalar DateTime
      type Query { equipmentList: [Equipment!] }`),
  ).toEqual([]);
});

test('a built-in field, an @override or a redefined built-in type is refused, naming the agency and the owner', () => {
  expect(problems(`type Organization @key(fields: "id") { id: ID! name: String }`)).toEqual([
    `${LABEL}: Organization.name is defined by the built-in subgraph "organizations"; a live source may add new fields, not define or override existing ones`,
  ]);
  expect(
    problems(`type Company @key(fields: "id") { id: ID! employees: Int @override(from: "consultations") }`),
  ).toEqual(expect.arrayContaining([expect.stringContaining('Company.employees uses @override')]));
  expect(problems(`type Query { organizations: [String] }`)[0]).toContain(
    'Query.organizations is defined by the built-in subgraph',
  );
  expect(problems(`enum SupportField { TECHNOLOGY NEW_VALUE }`)[0]).toMatch(
    /^agency "hyogo-itc" \(source equipment\): it defines SupportField, which the built-in subgraphs .* define; a live source may add fields to shared entities through their @key, not redefine built-in types/,
  );
  expect(problems(`type GeoPoint @shareable { lat: Float lng: Float altitude: Float }`)[0]).toContain(
    'it defines GeoPoint',
  );
});

test('a field on a shared type or the root must be nullable, or its failure would null the built-in parent', () => {
  expect(problems(`type Organization @key(fields: "id") { id: ID! equipment: [String!]! }`)).toEqual([
    `${LABEL}: Organization.equipment must be nullable: a live source's field on a shared type may only cost itself when the service fails`,
  ]);
  expect(problems(`type Query { equipmentList: [String!]! }`)[0]).toContain('Query.equipmentList must be nullable');
  // Its own types may use non-null fields as it likes; federation's own root fields are not its.
  expect(problems(`type Equipment { id: ID! } type Query { _service: String! e: Equipment }`)).toEqual([]);
});

test('nothing may reach into consultation records by @requires or by extending them', () => {
  expect(
    problems(`
      type Company @key(fields: "id") {
        id: ID!
        consultations: String @external
        riskNote: String @requires(fields: "consultations { edges { node { summary } } }")
      }`),
  ).toEqual([expect.stringContaining('Company.riskNote @requires fields of consultation records')]);
  expect(problems(`type Consultation @key(fields: "id") { id: ID! score: Int }`)[0]).toContain(
    'it extends Consultation: consultation records are not open',
  );
  // @requires on a firm's own fields is composed: the caller's role is checked per request.
  expect(
    problems(
      `type Company @key(fields: "id") { id: ID! employees: Int @external loanCap: Int @requires(fields: "employees") }`,
    ),
  ).toEqual([]);
  expect(
    requiredFieldsOf(
      parse(
        HEAD +
          `type Company @key(fields: "id") { id: ID! employees: Int @external loanCap: Int @requires(fields: "employees") }`,
      ),
    ),
  ).toEqual(new Map([['Company.loanCap', ['Company.employees']]]));
});

test('a directive that would change a built-in type or field for every client is refused, under either spelling', () => {
  // Composed, `@inaccessible` on the key removes Organization.id from the whole graph.
  expect(problems(`type Organization @key(fields: "id") { id: ID! @federation__inaccessible note: String }`)).toEqual([
    `${LABEL}: Organization.id @federation__inaccessible: a live source may not change a built-in field, only repeat its key or mark it @external`,
  ]);
  expect(problems(`type Program @key(fields: "id") @federation__inaccessible { id: ID! note: String }`)).toEqual([
    `${LABEL}: Program @federation__inaccessible: a live source may not change a built-in type, only add fields to it`,
  ]);
  // Its own fields on a shared type may carry what they like.
  expect(
    problems(`type Organization @key(fields: "id") { id: ID! @shareable note: String @federation__inaccessible }`),
  ).toEqual([]);
  // The rules read federation's names: a renamed import could hide @requires or @inaccessible from them.
  expect(
    ownershipProblems(
      LABEL,
      parse(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", { name: "@inaccessible", as: "@hidden" }])\n' +
          'type Organization @key(fields: "id") { id: ID! @hidden }',
      ),
      builtins,
    )[0],
  ).toBe(`${LABEL}: its federation @link renames directives (as:); import them under their own names`);
  // An @override spelled without importing it is still an @override.
  expect(
    problems(`type Company @key(fields: "id") { id: ID! employees: Int @federation__override(from: "consultations") }`),
  ).toEqual(expect.arrayContaining([expect.stringContaining('Company.employees uses @override')]));
});

test('@provides of built-in fields is refused: on that path the agency would answer Organization.name', () => {
  expect(
    problems(`
      type Organization @key(fields: "id") { id: ID! name: String! @external }
      type Query { spoofOrganizations: [Organization] @provides(fields: "name") }`),
  ).toEqual([
    `${LABEL}: Query.spoofOrganizations @provides fields of Organization, which only Madoguchi's own subgraphs answer`,
  ]);
  // Its own types' fields it may provide.
  expect(
    problems(`
      type Equipment @key(fields: "id") { id: ID! name: String @external }
      type Query { equipmentList: [Equipment] @provides(fields: "name") }`),
  ).toEqual([]);
});

test('a schema’s size is counted in types, fields, arguments, enum values and union members', () => {
  expect(
    schemaElements(
      parse(
        `type A { x(a: Int, b: Int): Int y: B } enum B { P Q R } union U = A | C type C { z: Int } input I { w: Int }`,
      ),
    ),
  ).toBe(/* A, x, a, b, y */ 5 + /* B P Q R */ 4 + /* U A C */ 3 + /* C z */ 2 + /* I w */ 2);
});
