import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAgencyConfig, type AgencyConfig, type ApiSourceConfig } from '../core/config';
import { createAdapterContext, type FetchFn } from '../core/adapter';
import { syncSource } from '../sync/sync';
import { get as getSource } from '../../store/sources';
import type { Store } from '../../store/store';
import { openTestStore } from '../../test/support/store';
import { findMunicipalityByName } from '../../domain/municipalities';
import { createApiAdapter, flattenRecord, getPath, nextLink } from '.';

const FIXTURES = join(__dirname, '__fixtures__');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
// Agency files resolve layouts from their own folder: these tests pose as files in agencies/.
const AGENCIES = resolve(__dirname, '..', '..', 'agencies');

type Route = (url: URL, headers: Record<string, string>) => Response;

function fakeFetch(route: Route) {
  const seen: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetch = (async (input: string, init?: { headers?: Record<string, string> }) => {
    seen.push({ url: input, headers: init?.headers ?? {} });
    return route(new URL(input), init?.headers ?? {});
  }) as unknown as FetchFn;
  return { fetch, seen };
}

const json = (body: unknown, headers: Record<string, string> = {}) =>
  new Response(Buffer.isBuffer(body) ? new Uint8Array(body) : typeof body === 'string' ? body : JSON.stringify(body), {
    headers: { 'content-type': 'application/json', ...headers },
  });

function agency(id: string, sources: string, env: NodeJS.ProcessEnv = {}): AgencyConfig {
  return parseAgencyConfig(`id: ${id}\nname: テスト\nsources:\n${sources}`, join(AGENCIES, `${id}.yaml`), env);
}
const apiSource = (a: AgencyConfig) => a.sources[0] as ApiSourceConfig;
const read = (config: ApiSourceConfig, route: Route, env: NodeJS.ProcessEnv = {}) => {
  const f = fakeFetch(route);
  return {
    result: createApiAdapter(config)(createAdapterContext({ fetch: f.fetch, env })).read({
      etag: null,
      lastModified: null,
    }),
    seen: f.seen,
  };
};

describe('JSON helpers', () => {
  const record = {
    id: 7,
    title: 'A',
    limit: { amount: 100, text: '100円' },
    fields: ['技術', '経営'],
    tags: [{ name: 'x' }, { name: 'y' }],
    none: null,
  };

  test('dotted paths reach into objects and through arrays', () => {
    expect(getPath({ data: { items: [1, 2] } }, 'data.items')).toEqual([1, 2]);
    expect(getPath(record, 'tags.name')).toEqual(['x', 'y']);
    expect(getPath(record, 'limit.missing.deeper')).toBeUndefined();
  });

  test('a record flattens to one text per path, arrays one line per value', () => {
    expect(flattenRecord(record)).toEqual({
      id: '7',
      title: 'A',
      'limit.amount': '100',
      'limit.text': '100円',
      fields: '技術\n経営',
      'tags.name': 'x\ny',
    });
  });

  test('Link headers give the rel="next" target, resolved against the request', () => {
    const base = 'https://api.example/v1/programs?page=1';
    expect(
      nextLink(
        '<https://api.example/v1/programs?page=2>; rel="next", <https://api.example/v1/programs?page=9>; rel="last"',
        base,
      ),
    ).toBe('https://api.example/v1/programs?page=2');
    expect(nextLink('</v1/programs?cursor=abc>; rel="prev next"', base)).toBe(
      'https://api.example/v1/programs?cursor=abc',
    );
    expect(nextLink('<https://api.example/v1/programs?page=1>; rel="prev"', base)).toBeNull();
    expect(nextLink(null, base)).toBeNull();
  });
});

const JGRANTS = `
  - id: subsidies
    kind: api
    layout: jgrants
    location: https://api.jgrants.example/exp/v1/public/subsidies
    timeoutMs: 2000`;

describe('API adapter', () => {
  test('the jGrants layout: records from "result", query parameters from the layout', async () => {
    const { result, seen } = read(apiSource(agency('national', JGRANTS)), () =>
      json(fixture('jgrants-subsidies.json')),
    );
    const out = await result;
    if (out.status !== 'ok') throw new Error('expected records');
    expect(out.records.map((r) => r.cells.id)).toEqual([
      'a0WJ200000TEST01AAA',
      'a0WJ200000TEST02AAA',
      'a0WJ200000TEST03AAA',
    ]);
    expect(out.records[0].cells).toMatchObject({ subsidy_max_limit: '500000', target_area_search: '全国' });
    const url = new URL(seen[0].url);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      keyword: '事業',
      sort: 'acceptance_end_datetime',
      order: 'ASC',
      acceptance: '0',
    });
    expect(seen[0].headers.accept).toMatch(/application\/json/);
  });

  test('page-number pagination with the page count from the answer; fields named by path', async () => {
    const source = `
  - id: programs
    kind: api
    entity: program
    location: https://pref.example/api/v1/programs
    query: { status: open }
    records: data.items
    pagination: { type: page, param: page, sizeParam: per_page, size: 2, totalPagesPath: meta.total_pages }
    fields: { 金額: limit.text, 開始: period.from, 終了: period.to }
    mapping: { localId: programId, title: name, kind: category.label, supportFields: fields, maxAmount: 金額, opensOn: 開始, closesOn: 終了, purposes: tags.name }`;
    const { result, seen } = read(apiSource(agency('pref', source)), (url) =>
      json(fixture(`pref-programs-page-${url.searchParams.get('page')}.json`)),
    );
    const out = await result;
    if (out.status !== 'ok') throw new Error('expected records');
    expect(seen.map((s) => s.url)).toEqual([
      'https://pref.example/api/v1/programs?status=open&page=1&per_page=2',
      'https://pref.example/api/v1/programs?status=open&page=2&per_page=2',
    ]);
    expect(out.records.map((r) => r.row)).toEqual([1, 2, 3]);
    expect(out.records[0].cells).toMatchObject({
      programId: 'PREF-01',
      fields: '技術\n経営',
      'tags.name': '製造業\n試作',
      金額: '上限100万円',
      開始: '2026-05-01',
    });
    expect(out.records[1].cells.金額).toBe('');
  });

  test('offset, cursor and Link-header pagination', async () => {
    const items = Array.from({ length: 5 }, (_, i) => ({ id: `R${i + 1}`, title: `施策${i + 1}` }));
    const base = `
  - id: programs
    kind: api
    entity: program
    location: https://api.example/programs
    mapping: { localId: id, title: title, kind: { value: その他 } }`;

    const offset = read(
      apiSource(
        agency('a-offset', `${base}\n    records: items\n    pagination: { type: offset, size: 2, totalPath: total }`),
      ),
      (url) => {
        const from = Number(url.searchParams.get('offset'));
        return json({ items: items.slice(from, from + Number(url.searchParams.get('limit'))), total: items.length });
      },
    );
    const o = await offset.result;
    expect(o.status === 'ok' && o.records.map((r) => r.cells.id)).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);
    expect(offset.seen.map((s) => new URL(s.url).search)).toEqual([
      '?offset=0&limit=2',
      '?offset=2&limit=2',
      '?offset=4&limit=2',
    ]);

    const cursor = read(
      apiSource(
        agency(
          'a-cursor',
          `${base}\n    records: data\n    pagination: { type: cursor, param: after, cursorPath: paging.next }`,
        ),
      ),
      (url) => {
        const from = Number(url.searchParams.get('after') ?? 0);
        return json({
          data: items.slice(from, from + 3),
          paging: { next: from + 3 < items.length ? String(from + 3) : null },
        });
      },
    );
    const c = await cursor.result;
    expect(c.status === 'ok' && c.records.length).toBe(5);
    expect(cursor.seen.map((s) => new URL(s.url).search)).toEqual(['', '?after=3']);

    const link = read(apiSource(agency('a-link', `${base}\n    pagination: { type: link, maxPages: 2 }`)), (url) => {
      const page = Number(url.searchParams.get('p') ?? 1);
      return json(items.slice((page - 1) * 2, page * 2), { link: `</programs?p=${page + 1}>; rel="next"` });
    });
    const l = await link.result;
    // maxPages caps a list that never ends.
    expect(l.status === 'ok' && l.records.map((r) => r.cells.id)).toEqual(['R1', 'R2', 'R3', 'R4']);
  });

  test('an auth header from the environment; missing, refused or changed answers fail the read', async () => {
    const source = `
  - id: programs
    kind: api
    entity: program
    location: https://api.example/programs
    records: items
    auth: { header: X-Api-Key, env: PREF_API_KEY }
    mapping: { localId: id, title: title, kind: { value: その他 } }`;
    const config = apiSource(agency('a-auth', source));
    const guarded: Route = (_url, headers) =>
      headers['X-Api-Key'] === 's3cret'
        ? json({ items: [{ id: '1', title: 'x' }] })
        : new Response('no', { status: 401 });
    const ok = read(config, guarded, { PREF_API_KEY: 's3cret' });
    expect((await ok.result).status).toBe('ok');
    await expect(read(config, guarded).result).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('PREF_API_KEY'),
    });
    await expect(read(config, guarded, { PREF_API_KEY: 'wrong' }).result).rejects.toMatchObject({
      code: 'HTTP_STATUS',
      status: 401,
    });
    await expect(read(config, () => json({ data: [] }), { PREF_API_KEY: 's3cret' }).result).rejects.toThrow(
      /no list of records at "items"/,
    );
    await expect(read(config, () => json('{"items": [', {}), { PREF_API_KEY: 's3cret' }).result).rejects.toThrow(
      /did not answer JSON/,
    );
  });

  test('a single request is conditional: 304 is not modified', async () => {
    const route: Route = (_url, headers) =>
      headers['if-modified-since'] === 'Tue, 24 Nov 2026 00:00:00 GMT'
        ? new Response(null, { status: 304 })
        : json(fixture('jgrants-subsidies.json'), { 'last-modified': 'Tue, 24 Nov 2026 00:00:00 GMT' });
    const adapter = createApiAdapter(apiSource(agency('national', JGRANTS)))(
      createAdapterContext({ fetch: fakeFetch(route).fetch }),
    );
    const first = await adapter.read({ etag: null, lastModified: null });
    expect(first.status === 'ok' && first.lastModified).toBe('Tue, 24 Nov 2026 00:00:00 GMT');
    expect((await adapter.read({ etag: null, lastModified: 'Tue, 24 Nov 2026 00:00:00 GMT' })).status).toBe(
      'not-modified',
    );
  });
});

describe('jGrants source sync', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore('empty');
  });
  afterAll(() => store.close());

  test('national subsidies land with dates in Japan time, areas, industries by name and support fields from purposes', async () => {
    const a = agency('national', JGRANTS);
    const report = await syncSource(
      store,
      a,
      a.sources[0],
      createAdapterContext({ fetch: fakeFetch(() => json(fixture('jgrants-subsidies.json'))).fetch }),
    );
    expect(report).toMatchObject({ outcome: 'updated', accepted: 3, rejected: [] });
    const rows = await store.query<Record<string, unknown>>(
      `select local_id, title, body, kind, purposes, support_fields, area_codes, industries, employee_ceiling, max_amount::float8 as max_amount,
              subsidy_ratio, opens_on::text, closes_on::text, url, provider_id, source_kind
       from programs where agency_id = 'national' order by local_id`,
    );
    expect(rows[0]).toEqual({
      local_id: 'a0WJ200000TEST01AAA',
      title: '小規模事業者持続化補助金(テスト公募)',
      body: '小規模事業者が販路開拓に取り組む経費を補助します。\nチラシ作成\n展示会出展',
      kind: 'SUBSIDY',
      purposes: ['販路拡大・海外展開をしたい', '新たな事業を行いたい'],
      support_fields: ['SALES', 'STARTUP'],
      area_codes: ['000000'],
      industries: ['I', 'M', 'E'],
      employee_ceiling: 20,
      max_amount: 500_000,
      subsidy_ratio: 0.6667,
      opens_on: '2026-04-01',
      closes_on: '2026-05-29',
      url: 'https://www.jgrants-portal.go.jp/subsidy/a0WJ200000TEST01AAA',
      provider_id: 'national',
      source_kind: 'API',
    });
    const [tokyo, osaka, ishikawa] = ['東京都', '大阪府', '石川県'].map((n) => findMunicipalityByName(n)!.code);
    expect(rows[1]).toMatchObject({
      area_codes: [tokyo, osaka],
      employee_ceiling: null,
      support_fields: ['DX'],
      industries: ['G'],
      opens_on: '2026-06-01',
      body: 'クラウドサービスの導入を支援します。\n申請はGビズIDプライムで行います。',
    });
    expect(rows[2]).toMatchObject({
      area_codes: [ishikawa],
      support_fields: ['DISASTER', 'FINANCE'],
      industries: ['A'],
      max_amount: null,
      opens_on: null,
      employee_ceiling: 300,
    });
    expect(await getSource(store, 'national/subsidies')).toMatchObject({ status: 'OK', kind: 'API', acceptedCount: 3 });
  });
});
