import { readFileSync } from 'node:fs';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { SUPERGRAPH_FILE } from './supergraph';
import { parseSettings } from '../server/settings';
import { isPublicOperation, privateFieldsOf, responseCacheOptionsOf } from './responseCache';

const optionsOf = (env: Record<string, string>) => responseCacheOptionsOf(parseSettings(env, { envFile: false }));

const sdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
// As the gateway runs by default.
const privateFields = privateFieldsOf(sdl, optionsOf({ NODE_ENV: 'production' }).privateSubgraphs);

function isPublic(query: string): boolean {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return isPublicOperation(schema, document, operation, privateFields);
}

test('fields only the consultations subgraph resolves are private; shared keys are not', () => {
  expect(privateFields.has('Query.consultations')).toBe(true);
  // The desk's proposals are per caller and audited: never served from the cache.
  expect(privateFields.has('Company.proposals')).toBe(true);
  expect(privateFields.has('Query.consultationStats')).toBe(true);
  expect(privateFields.has('Organization.consultationCount')).toBe(true);
  expect(privateFields.has('Consultation.summary')).toBe(true);
  expect(privateFields.has('Organization.id')).toBe(false);
  expect(privateFields.has('Organization.name')).toBe(false);
  expect(privateFields.has('Query.programs')).toBe(false);
});

test('programme and directory queries are public; anything reaching consultation data is not', () => {
  expect(isPublic('{ programs(first: 5) { edges { node { title provider { name } } } } }')).toBe(true);
  expect(isPublic('query { organizations { id name programs { title } } }')).toBe(true);
  expect(isPublic('{ organizations { id consultationCount } }')).toBe(false);
  expect(isPublic('{ organizations { ...F } } fragment F on Organization { name consultationCount }')).toBe(false);
  expect(isPublic('{ consultations(first: 1) { totalCount } }')).toBe(false);
  expect(isPublic('mutation { referConsultation(id: "x", to: "y") { id } }')).toBe(false);
  // Firms' growth files and the programme's figures are never cached either.
  expect(isPublic('{ growthSummary { selectedTotal } }')).toBe(false);
  expect(isPublic('{ company(id: "1") { growth { status } } }')).toBe(false);
  expect(isPublic('{ committeeMeeting(month: "2026-05") { agenda { score } } }')).toBe(false);
});

test('the cache is on by default, under test runners too, and the environment can say otherwise', () => {
  // Any of the boolean words: on means on (only the literal true used to).
  for (const on of ['on', '1', 'yes', 'true', 'TRUE'])
    expect(optionsOf({ MADOGUCHI_RESPONSE_CACHE: on }).enabled).toBe(true);
  for (const off of ['off', '0', 'no', 'false'])
    expect(optionsOf({ MADOGUCHI_RESPONSE_CACHE: off }).enabled).toBe(false);
  expect(() => optionsOf({ MADOGUCHI_RESPONSE_CACHE: 'sometimes' })).toThrow(
    'MADOGUCHI_RESPONSE_CACHE: expected true/false, 1/0, on/off or yes/no (got "sometimes")',
  );
  expect(optionsOf({ NODE_ENV: 'test' }).enabled).toBe(true);
  expect(optionsOf({ NODE_ENV: 'test', MADOGUCHI_RESPONSE_CACHE: 'false' }).enabled).toBe(false);
  expect(optionsOf({ NODE_ENV: 'production' })).toMatchObject({
    enabled: true,
    ttlMs: 10_000,
    privateSubgraphs: ['consultations', 'growth', 'desk'],
  });
  expect(optionsOf({ NODE_ENV: 'production', MADOGUCHI_RESPONSE_CACHE: 'false' }).enabled).toBe(false);
});
