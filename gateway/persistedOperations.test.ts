import { readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { SUPERGRAPH_FILE } from './compose';
import { EXAMPLE_OPERATIONS } from './explorer/examples';
import { createOperationRegistry, sha256Hex } from './persistedOperations';

const apiSchema = Supergraph.build(readFileSync(SUPERGRAPH_FILE, 'utf8')).apiSchema().toGraphQLJSSchema();

test('every registered operation is valid against the supergraph', () => {
  const registry = createOperationRegistry();
  expect(registry.operations.length).toBeGreaterThanOrEqual(EXAMPLE_OPERATIONS.length + 5);
  for (const op of registry.operations) {
    const errors = validate(apiSchema, parse(op.text));
    expect({ source: op.source, errors: errors.map((e) => e.message) }).toEqual({ source: op.source, errors: [] });
  }
});

test('the safelist admits registered texts, their reformatted twins and registered hashes only', async () => {
  const registry = createOperationRegistry({ allowIntrospection: false });
  const example = EXAMPLE_OPERATIONS.find((e) => e.name === 'Directory')!;
  expect(registry.allows({ query: example.query })).toBe(true);
  expect(registry.allows({ hash: sha256Hex(example.query) })).toBe(true);
  const reformatted = example.query.replace(/^#.*\n/gm, '').replace(/\n\s*/g, ' ');
  expect(registry.allows({ query: reformatted })).toBe(true);
  expect(registry.allows({ query: '{ organizations { id name } }' })).toBe(false);
  expect(registry.allows({ hash: sha256Hex('{ organizations { id name } }') })).toBe(false);
  expect(registry.allows({ query: '{ __schema { types { name } } }' })).toBe(false);
  expect(createOperationRegistry({ allowIntrospection: true }).allows({ query: '{ __schema { types { name } } }' })).toBe(true);
  // Registered hashes are answered from the registry, so clients may send the hash alone.
  expect(await registry.apqCache.get(`apq:${sha256Hex(example.query)}`)).toBe(example.query);
});
