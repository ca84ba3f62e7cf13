import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { estimateCost, listSizesOf } from '../../server/cost';
import { STATISTICS_WORK } from './statisticsWork';

const sdl = readFileSync(join(__dirname, '..', 'supergraph.graphql'), 'utf8');
const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
const listSizes = listSizesOf(parse(sdl));

function cost(query: string): number {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return estimateCost(schema, document, operation, {}, { listSizes, fieldWork: STATISTICS_WORK });
}

const aliases = (n: number, groupBy: string, selection: string) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: consultationStats(groupBy: [${groupBy}]) { ${selection} }`).join(' ')} }`;

/** The same selection asked as cells and as columns. */
const PAIRS: Array<[string, string]> = [
  ['cells { count }', 'columns { counts }'],
  ['cells { suppressed }', 'columns { suppressed }'],
  ['cells { keys { dimension } }', 'columns { keys { dimension } }'],
  ['cells { keys { value } }', 'columns { keys { values codes } }'],
  [
    'cells { keys { dimension value label } count suppressed }',
    'columns { keys { dimension values labels codes } counts suppressed }',
  ],
];

test.each(['MONTH', 'MONTH, MUNICIPALITY, INDUSTRY'])(
  'statistics by %s: columns cost at least the same selection of cells, alias for alias',
  (groupBy) => {
    const table = cost(aliases(1, groupBy, 'total'));
    for (const [cells, columns] of PAIRS) {
      for (const n of [1, 2, 10]) {
        expect(cost(aliases(n, groupBy, columns))).toBeGreaterThanOrEqual(cost(aliases(n, groupBy, cells)));
        // And more than the table's work alone: the columns are charged, not free leaves.
        expect(cost(aliases(n, groupBy, columns))).toBeGreaterThanOrEqual(n * (table + 1000));
      }
    }
    // Any columns with keys cost at least the most a selection of cells costs.
    expect(cost(aliases(1, groupBy, 'columns { keys { dimension } }'))).toBeGreaterThanOrEqual(
      cost(aliases(1, groupBy, PAIRS.at(-1)![0])),
    );
    // Both in one alias cost both.
    expect(cost(aliases(1, groupBy, `${PAIRS.at(-1)![0]} ${PAIRS.at(-1)![1]}`))).toBe(
      cost(aliases(1, groupBy, PAIRS.at(-1)![0])) + cost(aliases(1, groupBy, PAIRS.at(-1)![1])) - table,
    );
  },
);
