/**
 * StatsKey.label: analysts read names, not codes. Checked on the vocabularies directly and through
 * the consultations subgraph's schema over the demo store, with an analyst's context.
 */
import { graphql } from 'graphql';
import { SUBGRAPHS } from '..';
import { buildSchemaOf } from '../server';
import { openTestStore } from '../../test/support/store';
import type { Store } from '../../store/store';
import { statsKeyLabel, UNKNOWN_LABEL } from './labels';

const noOrganizations = async () => null;

test('each dimension names its codes; unknown codes get null and empty values 不明', async () => {
  expect(await statsKeyLabel('TOPIC', 'FINANCE', noOrganizations)).toBe('金融・資金繰り');
  expect(await statsKeyLabel('CHANNEL', 'ONLINE', noOrganizations)).toBe('オンライン');
  expect(await statsKeyLabel('INDUSTRY', 'E', noOrganizations)).toBe('製造業');
  expect(await statsKeyLabel('MUNICIPALITY', '131164', noOrganizations)).toBe('豊島区');
  expect(await statsKeyLabel('MONTH', '2025-04', noOrganizations)).toBe('2025年4月');
  expect(
    await statsKeyLabel('ORGANIZATION', 'akashi-ipf', async (id) =>
      id === 'akashi-ipf' ? '明石市産業振興財団' : null,
    ),
  ).toBe('明石市産業振興財団');
  expect(await statsKeyLabel('INDUSTRY', '', noOrganizations)).toBe(UNKNOWN_LABEL);
  // Codes that are not in a vocabulary, including inherited property names, are not labels.
  for (const [dimension, value] of [
    ['TOPIC', 'toString'],
    ['CHANNEL', 'constructor'],
    ['INDUSTRY', 'Z'],
    ['MUNICIPALITY', '999999'],
    ['MONTH', '2025-4'],
  ] as const) {
    expect(await statsKeyLabel(dimension, value, noOrganizations)).toBeNull();
  }
});

describe('through the subgraph', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore('demo');
  });
  afterAll(() => store.close());

  test('every cell key of an analyst’s statistics carries the directory’s or the vocabulary’s name', async () => {
    const module = SUBGRAPHS.find((s) => s.name === 'consultations')!;
    const result = await graphql({
      schema: buildSchemaOf(module),
      source:
        '{ consultationStats(groupBy: [ORGANIZATION, MUNICIPALITY]) { cells { keys { dimension value label } } } }',
      contextValue: module.createContext(store, { viewer: { role: 'analyst', subject: 'a', agencyId: null } }),
    });
    expect(result.errors).toBeUndefined();
    const names = new Map(
      (await store.query<{ id: string; name: string }>('select id, name from organizations')).map((o) => [
        o.id,
        o.name,
      ]),
    );
    const cells = (
      result.data as {
        consultationStats: {
          cells: Array<{ keys: Array<{ dimension: string; value: string; label: string | null }> }>;
        };
      }
    ).consultationStats.cells;
    expect(cells.length).toBeGreaterThan(10);
    for (const { keys } of cells) {
      const [organization, municipality] = keys;
      expect(organization.label).toBe(names.get(organization.value));
      expect(municipality.label).toBe(await statsKeyLabel('MUNICIPALITY', municipality.value, noOrganizations));
      expect(municipality.label).not.toBeNull();
    }
  });
});
