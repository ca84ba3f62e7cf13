/**
 * Generated files are committed and must match their sources: `npm run codegen` and
 * `npm run compose` would change nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { composeSupergraph, SUPERGRAPH_FILE } from '../../app/compose';
import { ROOT } from '../support/paths';
import { SUBGRAPHS } from '../../subgraphs';

test("resolver types and the pages' client types and manifest are what `npm run codegen` generates", async () => {
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const outputs: Array<{ filename: string; content: string }> = JSON.parse(
    execFileSync(tsx, [join(ROOT, 'test', 'support', 'codegen-outputs.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  // One per subgraph, the gateway's own operations' types, and the web pages' typed documents.
  expect(outputs.map((o) => o.filename).sort()).toEqual(
    [
      ...SUBGRAPHS.map((s) => `subgraphs/${s.name}/resolvers.generated.ts`),
      'gateway/operations.generated.ts',
      'web/gql/gql.ts',
      'web/gql/graphql.ts',
      'web/gql/index.ts',
      'web/gql/persisted-documents.json',
    ].sort(),
  );
  for (const o of outputs) {
    const onDisk = readFileSync(join(ROOT, o.filename), 'utf8');
    expect({ file: o.filename, same: onDisk === o.content }).toEqual({ file: o.filename, same: true });
  }
});

test('gateway/supergraph.graphql is what `npm run compose` writes', () => {
  const { supergraphSdl } = composeSupergraph();
  expect(readFileSync(SUPERGRAPH_FILE, 'utf8').trimEnd()).toBe(supergraphSdl.trimEnd());
});

test('composition reports errors instead of writing a broken supergraph', async () => {
  const { parse } = await import('graphql');
  const broken = [
    {
      name: 'a',
      typeDefs: parse(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Query { x: Int } type T @key(fields: "id") { id: ID! n: Int }',
      ),
      resolvers: {},
      createContext: () => ({}),
    },
    {
      name: 'b',
      typeDefs: parse(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Query { y: Int } type T @key(fields: "id") { id: ID! n: String }',
      ),
      resolvers: {},
      createContext: () => ({}),
    },
  ];
  expect(() => composeSupergraph(broken)).toThrow(/composition failed[\s\S]*T\.n/);
});
