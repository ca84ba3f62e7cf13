import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { costEstimator, estimateCost, listSizesOf } from './cost';

const sdl = readFileSync(join(__dirname, '..', 'gateway', 'supergraph.graphql'), 'utf8');
const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
const listSizes = listSizesOf(parse(sdl));

function cost(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return estimateCost(schema, document, operation, variables, { listSizes });
}

test('the supergraph carries the subgraphs’ @listSize sizes', () => {
  expect(listSizes.get('Query.organizations')).toEqual({
    assumedSize: 100,
    slicingArguments: undefined,
    sizedFields: undefined,
  });
  expect(listSizes.get('Query.programs')).toMatchObject({ slicingArguments: ['first'], sizedFields: ['edges'] });
  expect(listSizes.get('Organization.programs')).toMatchObject({ assumedSize: 50 });
});

test('objects cost 1 each, leaves nothing, lists multiply by their size', () => {
  expect(cost('{ organizations { id name } }')).toBe(100);
  expect(cost('{ organizations { id municipality { name } } }')).toBe(100 * 2);
  expect(cost('{ organizations { programs { title } } }')).toBe(100 * (1 + 50));
  expect(cost('{ organizations { programs { provider { programs { id } } } } }')).toBe(
    100 * (1 + 50 * (1 + 1 * (1 + 50))),
  );
});

test('page arguments count as asked, from literals, variables or their defaults; connections size their edges', () => {
  expect(cost('{ programs(first: 7) { totalCount edges { node { id } } } }')).toBe(1 + 7 * (1 + 1));
  expect(cost('query($n: Int) { programs(first: $n) { edges { node { id } } } }', { n: 3 })).toBe(1 + 3 * 2);
  expect(cost('{ programs { edges { node { id } } } }')).toBe(1 + 20 * 2);
  expect(cost('{ program(id: "x") { alternatives { id } } }')).toBe(1 + 5);
  expect(cost('{ program(id: "x") { alternatives(first: 50) { alternatives(first: 50) { id } } } }')).toBe(
    1 + 50 * (1 + 50),
  );
});

test('fragments, inline fragments and aliases cost what they select', () => {
  const plain = cost('{ organizations { programs { title } } }');
  expect(cost('{ organizations { ...F } } fragment F on Organization { programs { title } }')).toBe(plain);
  expect(cost('{ ... on Query { organizations { ... on Organization { programs { title } } } } }')).toBe(plain);
  expect(cost('{ a: organizations { programs { title } } b: organizations { programs { title } } }')).toBe(2 * plain);
});

test('_entities counts its representations; introspection is free', () => {
  const subgraphSdl = readFileSync(join(__dirname, '..', 'subgraphs', 'programs', 'schema.graphql'), 'utf8');
  expect(listSizesOf(parse(subgraphSdl)).get('Organization.programs')).toMatchObject({ assumedSize: 50 });
  expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
});

test('the estimator remembers an operation’s cost only while its variables cannot change it', () => {
  let walks = 0;
  // fieldWork is called once per walk of a field it prices: it counts the walks.
  const estimate = costEstimator({
    listSizes,
    fieldWork: {
      'Query.programs': () => {
        walks += 1;
        return 0;
      },
    },
  });
  const first = (query: string) => {
    const document = parse(query);
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    )!;
    return { document, operation };
  };
  const fixed = first(
    'query($t: String) { organizations { id } programs(first: 7) { edges { node { id } } } t: __typename }',
  );
  expect(estimate(schema, fixed.document, fixed.operation, { t: 'a' })).toBe(100 + 1 + 7 * 2);
  expect(estimate(schema, fixed.document, fixed.operation, { t: 'b' })).toBe(100 + 1 + 7 * 2);
  expect(walks).toBe(1);
  // The same text parsed again is another document: estimated afresh.
  const again = first(
    'query($t: String) { organizations { id } programs(first: 7) { edges { node { id } } } t: __typename }',
  );
  estimate(schema, again.document, again.operation, {});
  expect(walks).toBe(2);
  // A page size from a variable: every request is estimated with its own values.
  const paged = first('query($n: Int) { programs(first: $n) { edges { node { id } } } }');
  expect(estimate(schema, paged.document, paged.operation, { n: 3 })).toBe(1 + 3 * 2);
  expect(estimate(schema, paged.document, paged.operation, { n: 500 })).toBe(1 + 500 * 2);
  expect(estimate(schema, paged.document, paged.operation, {})).toBe(1 + 20 * 2);
});
