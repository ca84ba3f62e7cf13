/**
 * A real agency's file onboarded by a config file alone: the City of Osaka's programme list
 * (../shared/data, read here by the test; the product never reads ../shared).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadAgencyConfig } from '../core/config';
import { createAdapterContext } from '../core/adapter';
import { syncSource } from '../sync/sync';
import { get as getSource, rejections as listRejections } from '../../store/sources';
import type { Store } from '../../store/store';
import { openTestStore } from '../../test/support/store';
import { SHARED_DATA, describeWithSharedData } from '../../test/support/shared-data';
import { findMunicipalityByName } from '../../domain/municipalities';

const OSAKA_CSV = join(SHARED_DATA, 'osaka-city-support-programs.csv');

describeWithSharedData('the City of Osaka programme list, by config alone', () => {
  let store: Store;
  beforeAll(async () => {
    expect(existsSync(OSAKA_CSV)).toBe(true);
    store = await openTestStore('empty');
  });
  afterAll(() => store.close());

  interface Row {
    local_id: string;
    title: string;
    summary: string | null;
    body: string | null;
    contact: string | null;
    url: string | null;
    kind: string;
    purposes: string[];
    support_fields: string[];
    area_codes: string[];
    updated_on: string | null;
    source_row: number;
  }

  test('all 102 rows land with clean text, split categories and parsed dates', async () => {
    const agency = loadAgencyConfig(join(__dirname, '__fixtures__', 'osaka-city.yaml'), { OSAKA_CSV });
    const report = await syncSource(
      store,
      agency,
      agency.sources[0],
      createAdapterContext({ clock: () => new Date('2026-11-25T01:00:00Z') }),
    );
    expect(report.error).toBeUndefined();
    expect(report).toMatchObject({ outcome: 'updated', accepted: 102, rejected: [] });
    expect(await listRejections(store, ['osaka-city/programs'], 10)).toEqual([]);
    expect(await getSource(store, 'osaka-city/programs')).toMatchObject({
      status: 'OK',
      acceptedCount: 102,
      rejectedCount: 0,
    });

    const rows = await store.query<Row>(
      `select local_id, title, summary, body, contact, url, kind, purposes, support_fields, area_codes, updated_on::text, source_row
       from programs where source_id = 'osaka-city/programs' order by source_row`,
    );
    expect(rows).toHaveLength(102);
    // Row 1 is the header; quoted cells spanning lines still count as one spreadsheet row each.
    expect(rows[0]).toMatchObject({
      local_id: '100',
      source_row: 2,
      updated_on: '2020-04-30',
      kind: 'OTHER',
      purposes: [],
      support_fields: [],
    });
    expect(rows[rows.length - 1].source_row).toBe(103);

    const texts = rows.flatMap((r) => [r.title, r.summary, r.body, r.contact]).filter((t): t is string => t !== null);
    expect(texts.filter((t) => /<br|&nbsp;|&#\d+;|&amp;|<\/?[a-z]+[ >]/i.test(t))).toEqual([]);
    const byId = new Map(rows.map((r) => [r.local_id, r]));
    expect(byId.get('9')!.title).toBe(
      '(大阪府制度融資) 新型コロナウイルス感染症対応緊急資金(セーフティネット保証4号・5号認定・危機関連等)',
    );
    expect(byId.get('44')!.title).toBe('信用保証付き融資における保証料・利子減免');
    expect(byId.get('111')!.contact).toBe('危機管理室');
    // <br> became a line break and &#44; a comma inside the amount.
    const body26 = byId.get('26')!.body!;
    expect(body26.split('\n').length).toBeGreaterThan(3);
    expect(body26).toContain('8,330円を日額上限とする');

    expect(byId.get('67')).toMatchObject({
      purposes: ['相談等', '資金繰り', '補助制度・給付金'],
      support_fields: ['FINANCE'],
    });
    expect(byId.get('49')).toMatchObject({
      purposes: ['相談等', '設備投資、消費喚起等', '雇用・従業員'],
      support_fields: ['EMPLOYMENT'],
    });
    expect(rows.filter((r) => r.purposes.length > 0)).toHaveLength(67);

    const osaka = findMunicipalityByName('大阪市')!.code;
    expect(rows.every((r) => r.area_codes.length === 1 && r.area_codes[0] === osaka)).toBe(true);
    expect(rows.every((r) => r.updated_on !== null && /^20\d\d-\d\d-\d\d$/.test(r.updated_on))).toBe(true);
    expect(rows.every((r) => r.url === null || /^https?:\/\//.test(r.url))).toBe(true);
  });
});
