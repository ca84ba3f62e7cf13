import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { parseAgencyConfig, AgencyConfigError, type AgencyConfig, type WebsiteSourceConfig } from '../core/config';
import { createAdapterContext, createHostLimiter, type FetchFn } from '../core/adapter';
import { syncSource } from '../sync/sync';
import { get as getSource, rejections as listRejections } from '../../store/sources';
import type { Store } from '../../store/store';
import { openTestStore } from '../../test/support/store';
import { charsetFromMeta, decodeHtml, extractField, labelledPairs, parsePage } from './extract';
import { createWebsiteAdapter } from '.';

const FIXTURES = join(__dirname, '__fixtures__');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const BASE = 'https://agency.example/programs/';

const DETAILS: Record<string, { amount: string; opens: string; closes: string; body: string }> = {
  'WEB-001': {
    amount: '上限100万円',
    opens: '令和8年4月1日',
    closes: '令和8年6月30日',
    body: '対象経費の1/2以内を補助します。',
  },
  'WEB-002': { amount: '', opens: '', closes: '', body: '予約制です。' },
  'WEB-003': { amount: '', opens: '2026/11/1', closes: '2026/12/8', body: '全3回、受講料は無料です。' },
  'WEB-004': { amount: '', opens: 'R8.10.1', closes: 'R8.11.30', body: '定員20名。' },
};

function detailPage(id: string): Buffer {
  const d = DETAILS[id];
  return Buffer.from(
    fixture('detail.html')
      .toString('utf8')
      .replace(/\{\{title\}\}/g, id)
      .replace('{{amount}}', d.amount)
      .replace('{{opens}}', d.opens)
      .replace('{{closes}}', d.closes)
      .replace('{{body}}', d.body),
  );
}

type Route = (url: URL, headers: Record<string, string>) => Response | Promise<Response>;

/** A fetch over a routing function that records every request and the most in flight at once. */
function fakeFetch(route: Route) {
  const seen: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = (async (input: string, init?: { headers?: Record<string, string> }) => {
    seen.push(input);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((r) => setTimeout(r, 2));
      return await route(new URL(input), init?.headers ?? {});
    } finally {
      inFlight--;
    }
  }) as unknown as FetchFn;
  return { fetch, seen, maxInFlight: () => maxInFlight };
}

const html = (body: Buffer | string, contentType = 'text/html; charset=utf-8', status = 200) =>
  new Response(typeof body === 'string' ? body : new Uint8Array(body), {
    status,
    headers: { 'content-type': contentType },
  });

/** The sample agency's site: two list pages, a detail page per programme, WEB-005's page gone. */
const site: Route = (url) => {
  if (url.pathname === '/programs/')
    return html(url.searchParams.get('page') === '2' ? fixture('list-2.html') : fixture('list-1.html'));
  const m = /^\/programs\/detail\/(WEB-\d+)\.html$/.exec(url.pathname);
  if (m && DETAILS[m[1]]) return html(detailPage(m[1]));
  return html('<h1>Not Found</h1>', 'text/html', 404);
};

const SOURCE = `
  - id: programs
    kind: website
    entity: program
    location: ${BASE}
    records: li.program
    fields:
      id: { attr: data-id }
      title: h2.program-title
      summary: { selector: p.summary, html: true }
      kind: dd.kind
      fields: .tag
      link: { selector: h2 a, attr: href }
    pagination: { next: 'a[rel=next]', maxPages: 5 }
    detail:
      link: h2.program-title a
      fields:
        amount: td.amount
        opens: td.opens
        closes: td.closes
        body: { selector: div.body, html: true }
    mapping:
      localId: id
      title: title
      summary: summary
      kind: kind
      supportFields: fields
      url: link
      maxAmount: amount
      opensOn: opens
      closesOn: closes
      body: body`;

function agency(source = SOURCE, env: NodeJS.ProcessEnv = {}): AgencyConfig {
  return parseAgencyConfig(
    `id: web-agency\nname: サンプル産業振興財団\nsources:${source}`,
    join(FIXTURES, 'web-agency.yaml'),
    env,
  );
}
const websiteSource = (a: AgencyConfig) => a.sources[0] as WebsiteSourceConfig;

describe('page encodings', () => {
  test('Shift_JIS declared by <meta http-equiv> only, CP932 extensions included', () => {
    const bytes = fixture('guarantees-sjis.html');
    expect(charsetFromMeta(bytes)).toBe('shift_jis');
    const text = decodeHtml(bytes, 'text/html', 'auto');
    expect(text).toContain('創業保証（①創業前）');
    expect(text).toContain('㈱・個人事業主とも対象です。<br>髙い保証割合');
  });

  test('the Content-Type header comes before <meta>, a configured encoding before both, a BOM before all', () => {
    const sjis = iconv.encode('<meta charset="utf-8"><p>保証</p>', 'cp932');
    expect(decodeHtml(sjis, 'text/html; charset=Shift_JIS', 'auto')).toContain('保証');
    expect(decodeHtml(sjis, 'text/html; charset=utf-8', 'shift_jis')).toContain('保証');
    expect(decodeHtml(sjis, 'text/html; charset=utf-8', 'auto')).not.toContain('保証');
    expect(decodeHtml(Buffer.from('<meta charset="utf-8"><p>補助</p>'), null, 'auto')).toBe(
      '<meta charset="utf-8"><p>補助</p>',
    );
    // Nothing declared: valid UTF-8 or else CP932.
    expect(decodeHtml(iconv.encode('<p>補助金</p>', 'cp932'), null, 'auto')).toBe('<p>補助金</p>');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<meta charset="shift_jis"><p>融資</p>')]);
    expect(decodeHtml(bom, 'text/html; charset=shift_jis', 'auto')).toBe('<meta charset="shift_jis"><p>融資</p>');
  });

  test('EUC-JP with nothing declared is told from Shift_JIS by its bytes', () => {
    const text =
      '<html><body><h1>中小企業支援制度のご案内</h1><p>設備投資補助金・創業融資・専門家派遣</p></body></html>';
    expect(decodeHtml(iconv.encode(text, 'eucjp'), null, 'auto')).toBe(text);
    expect(decodeHtml(iconv.encode(text, 'cp932'), null, 'auto')).toBe(text);
    expect(
      decodeHtml(iconv.encode(text.replace('<html>', '<html><meta charset="EUC-JP">'), 'eucjp'), null, 'auto'),
    ).toContain('専門家派遣');
  });
});

describe('labelled values and commented-out markup', () => {
  const page = parsePage(
    `<div class="c"><dl><dt>上限額</dt><dd>100万円</dd><dt>対象</dt><dd>製造業</dd><dd>小売業</dd></dl>
     <table><tr><th>補助率</th><td>2/3以内</td></tr><tr><th>問い合わせ先</th><td>産業課<br>0120-000-000</td></tr></table>
     <p>■受付期間：令和8年4月1日～5月29日</p><p>【対象経費】機械装置費</p>
     <p>お知らせ：詳しくは要項をご覧ください。長い文の中の：は<!-- 上限額：999万円 -->ラベルではありません</p></div>`,
    'https://agency.example/p/',
  );
  const scope = page.$('div.c') as never;
  const value = (label: string) => extractField(page, scope, { label, html: false });
  test('from <dt>/<dd>, <th>/<td> and 「label：value」 lines, the label compared without marks and spaces', () => {
    expect(value('上限額')).toBe('100万円');
    expect(value('対象')).toBe('製造業\n小売業');
    expect(value('補助率')).toBe('2/3以内');
    expect(value('問い合わせ先')).toBe('産業課\n0120-000-000');
    expect(value('受付期間')).toBe('令和8年4月1日~5月29日');
    expect(value('対象経費')).toBe('機械装置費');
    expect(value('申請方法')).toBeUndefined();
  });
  test('a comment is not on the page: neither a value nor a label', () => {
    expect(extractField(page, scope, { selector: 'p:last', html: false })).not.toContain('999万円');
    expect(labelledPairs(page, scope).map((p) => p.label)).not.toContain('上限額：999万円');
    expect(labelledPairs(page, scope).filter((p) => p.key === '上限額')).toHaveLength(1);
  });
});

describe('website adapter', () => {
  test('list pages, pagination and detail pages become raw records keyed by field name', async () => {
    const { fetch, seen } = fakeFetch(site);
    const adapter = createWebsiteAdapter(websiteSource(agency()))(createAdapterContext({ fetch }));
    const out = await adapter.read({ etag: null, lastModified: null });
    if (out.status !== 'ok') throw new Error('expected records');
    expect(out.records.map((r) => [r.row, r.cells.id])).toEqual([
      [1, 'WEB-001'],
      [2, 'WEB-002'],
      [3, 'WEB-003'],
      [4, 'WEB-004'],
    ]);
    const first = out.records[0].cells;
    expect(first).toMatchObject({
      title: '創業支援補助金',
      kind: '補助金',
      fields: '起業・創業\n金融・資金繰り',
      link: 'https://agency.example/programs/detail/WEB-001.html',
      amount: '上限100万円',
      opens: '令和8年4月1日',
    });
    expect(first.summary).toBe('市内で創業する方に、<br>開業経費の一部を補助します。');
    expect(out.records[1].cells.title).toBe('経営相談 窓口');
    expect(out.rejections).toEqual([
      {
        row: 5,
        field: null,
        value: 'https://agency.example/programs/detail/WEB-005.html',
        reason: 'https://agency.example/programs/detail/WEB-005.html answered HTTP 404',
      },
    ]);
    expect(seen.slice(0, 2)).toEqual([BASE, `${BASE}?page=2`]);
    expect(seen).toHaveLength(2 + 5);
    expect(out.etag).toBeNull();
  });

  test('detail pages are fetched at most two at a time per host, or as the context says', async () => {
    const two = fakeFetch(site);
    await createWebsiteAdapter(websiteSource(agency()))(createAdapterContext({ fetch: two.fetch })).read({
      etag: null,
      lastModified: null,
    });
    expect(two.maxInFlight()).toBe(2);
    const one = fakeFetch(site);
    await createWebsiteAdapter(websiteSource(agency()))(
      createAdapterContext({ fetch: one.fetch, hostLimiter: createHostLimiter(1) }),
    ).read({ etag: null, lastModified: null });
    expect(one.maxInFlight()).toBe(1);
  });

  test('a Shift_JIS page without detail pages: read conditionally, 304 means not modified', async () => {
    const source = `
  - id: guarantees
    kind: website
    entity: program
    location: https://cgc.example/seido/
    records: tr.row
    fields: { no: td.no, name: td.name, kind: td.kind, limit: td.limit, text: td.text, link: { selector: td.name a, attr: href } }
    mapping: { localId: no, title: name, kind: kind, maxAmount: limit, summary: text, url: link }`;
    const { fetch } = fakeFetch((_url, headers) =>
      headers['if-none-match'] === '"g1"'
        ? new Response(null, { status: 304 })
        : new Response(new Uint8Array(fixture('guarantees-sjis.html')), {
            headers: { 'content-type': 'text/html', etag: '"g1"' },
          }),
    );
    const adapter = createWebsiteAdapter(websiteSource(agency(source)))(createAdapterContext({ fetch }));
    const out = await adapter.read({ etag: null, lastModified: null });
    if (out.status !== 'ok') throw new Error('expected records');
    expect(out.etag).toBe('"g1"');
    expect(out.records.map((r) => r.cells)).toEqual([
      // Text is taken as a browser shows it and normalized (NFKC) like every cell.
      {
        no: 'SJ-01',
        name: '創業保証(1創業前)',
        kind: '保証',
        limit: '3,500万円',
        text: '(株)・個人事業主とも対象です。\n髙い保証割合でお応えします。',
        link: 'https://cgc.example/seido/sj01.html',
      },
      {
        no: 'SJ-02',
        name: '事業承継特別保証',
        kind: '保証',
        limit: '2億8,000万円',
        text: '経営者保証を不要とします。',
        link: 'https://cgc.example/seido/sj02.html',
      },
    ]);
    expect((await adapter.read({ etag: '"g1"', lastModified: null })).status).toBe('not-modified');
  });

  test('markup that no longer matches fails the read instead of yielding nothing', async () => {
    const renamed: Route = (url) =>
      url.pathname === '/programs/'
        ? html(
            fixture('list-1.html')
              .toString('utf8')
              .replace(/class="program"/g, 'class="item"'),
          )
        : site(url, {});
    const a = createWebsiteAdapter(websiteSource(agency()))(createAdapterContext({ fetch: fakeFetch(renamed).fetch }));
    await expect(a.read({ etag: null, lastModified: null })).rejects.toThrow(
      '"li.program" matched nothing on https://agency.example/programs/: the page\'s markup may have changed',
    );
    const noTitles: Route = (url) =>
      url.pathname === '/programs/'
        ? html(
            fixture(url.search ? 'list-2.html' : 'list-1.html')
              .toString('utf8')
              .replace(/program-title/g, 'heading'),
          )
        : site(url, {});
    const b = createWebsiteAdapter(websiteSource(agency()))(createAdapterContext({ fetch: fakeFetch(noTitles).fetch }));
    await expect(b.read({ etag: null, lastModified: null })).rejects.toThrow(
      /field "title" \(h2\.program-title\) matched nothing in any of 5 records/,
    );
  });

  test('a retried 503 succeeds; pagination stops at maxPages and never loops', async () => {
    let calls = 0;
    const flaky = fakeFetch((url) =>
      url.pathname === '/programs/' && !url.search && calls++ === 0 ? html('busy', 'text/plain', 503) : site(url, {}),
    );
    const retrying = agency(
      SOURCE.replace('    pagination:', '    retry: { attempts: 2, backoffMs: 1 }\n    pagination:'),
    );
    const out = await createWebsiteAdapter(websiteSource(retrying))(createAdapterContext({ fetch: flaky.fetch })).read({
      etag: null,
      lastModified: null,
    });
    expect(out.status === 'ok' && out.records.length).toBe(4);

    const loop = fakeFetch((url) =>
      url.pathname === '/programs/'
        ? html(fixture('list-1.html').toString('utf8').replace('?page=2', '?page=1'))
        : site(url, {}),
    );
    const looped = await createWebsiteAdapter(websiteSource(agency()))(
      createAdapterContext({ fetch: loop.fetch }),
    ).read({ etag: null, lastModified: null });
    expect(loop.seen.filter((u) => u.includes('?page=')).length).toBe(1);
    expect(looped.status === 'ok' && looped.records.length).toBe(3);
    const capped = fakeFetch(site);
    const one = agency(SOURCE.replace('maxPages: 5', 'maxPages: 1'));
    const first = await createWebsiteAdapter(websiteSource(one))(createAdapterContext({ fetch: capped.fetch })).read({
      etag: null,
      lastModified: null,
    });
    expect(first.status === 'ok' && first.records.length).toBe(3);
  });

  test('the config is checked at start-up: unknown field names in the mapping, bad selectors, non-URLs', () => {
    const problems = (text: string) => {
      try {
        agency(text);
      } catch (e) {
        return (e as AgencyConfigError).problems;
      }
      return [];
    };
    expect(problems(SOURCE.replace('localId: id', 'localId: ident'))).toEqual([
      {
        path: 'sources.0.mapping.localId',
        message: expect.stringMatching(/"ident" is not an extracted field; expected one of id, title/),
      },
    ]);
    expect(problems(SOURCE.replace('records: li.program', "records: 'li[data-id'"))).toEqual([
      { path: 'sources.0.records', message: 'a valid CSS selector' },
    ]);
    // A saved page's path is a location too; another scheme is not.
    expect(problems(SOURCE.replace(`location: ${BASE}`, 'location: programs.html'))).toEqual([]);
    expect(problems(SOURCE.replace(`location: ${BASE}`, 'location: ftp://agency.example/programs.html'))).toEqual([
      { path: 'sources.0.location', message: 'an http(s) URL or a file path' },
    ]);
  });
});

describe('website source sync', () => {
  let store: Store;
  const clock = () => new Date('2026-11-25T01:00:00Z');
  beforeAll(async () => {
    store = await openTestStore('empty');
  });
  afterAll(() => store.close());

  test('records land through the shared mapping; changed markup later keeps them, stale, with the error', async () => {
    const a = agency();
    const report = await syncSource(
      store,
      a,
      a.sources[0],
      createAdapterContext({ clock, fetch: fakeFetch(site).fetch }),
    );
    expect(report).toMatchObject({ outcome: 'updated', accepted: 4 });
    expect((await listRejections(store, ['web-agency/programs'], 10)).map((r) => [r.row, r.reason])).toEqual([
      [5, expect.stringMatching(/HTTP 404/)],
    ]);
    const rows = await store.query<{
      local_id: string;
      title: string;
      summary: string;
      body: string;
      kind: string;
      support_fields: string[];
      max_amount: number | null;
      opens_on: string | null;
      url: string;
      source_kind: string;
    }>(
      `select local_id, title, summary, body, kind, support_fields, max_amount::float8 as max_amount, opens_on::text, url, source_kind from programs where agency_id = 'web-agency' order by local_id`,
    );
    expect(rows[0]).toEqual({
      local_id: 'WEB-001',
      title: '創業支援補助金',
      summary: '市内で創業する方に、\n開業経費の一部を補助します。',
      body: '対象経費の1/2以内を補助します。\nお問い合わせは財団まで。',
      kind: 'SUBSIDY',
      support_fields: ['STARTUP', 'FINANCE'],
      max_amount: 1_000_000,
      opens_on: '2026-04-01',
      url: 'https://agency.example/programs/detail/WEB-001.html',
      source_kind: 'WEBSITE',
    });
    expect(rows[1].title).toBe('経営相談 窓口');
    expect(rows[3].opens_on).toBe('2026-10-01');

    const broken: Route = (url) =>
      url.pathname === '/programs/' ? html('<html><body><div class="new-design"></div></body></html>') : site(url, {});
    const failed = await syncSource(
      store,
      a,
      a.sources[0],
      createAdapterContext({ clock, fetch: fakeFetch(broken).fetch }),
    );
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toMatch(/matched nothing/);
    expect(await getSource(store, 'web-agency/programs')).toMatchObject({
      status: 'FAILED',
      stale: true,
      kind: 'WEBSITE',
      acceptedCount: 4,
      lastError: expect.stringMatching(/markup may have changed/),
    });
    const [{ n }] = await store.query<{ n: number }>(
      `select count(*)::int as n from programs where agency_id = 'web-agency'`,
    );
    expect(n).toBe(4);
  });
});
