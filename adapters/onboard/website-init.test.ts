/**
 * agency:init on a programme site as agencies publish them, written for this test: a list page in
 * Shift_JIS (declared by <meta> only) of repeated card blocks — a heading link, a summary, a <dl>
 * of 対象/上限額/補助率/受付期間, a status badge and tags — among a menu, a news list and a footer
 * that must not be taken for records, one card commented out, a 次へ link and numbered links to a
 * second page, and detail pages that alone carry the contact. Served by a real HTTP server on
 * port 0. init alone, its YAML unedited, onboards every programme of both pages with its title,
 * link, amount, rate, period and status, and the contact from its detail page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { parse } from 'yaml';
import { loadAgencyConfig } from '../core/config';
import { createAdapterContext } from '../core/adapter';
import { checkAgencyFile } from '../sync/check';
import { syncDeclaredOrganization, syncSource } from '../sync/sync';
import { programStatus } from '../../domain/programStatus';
import type { Store } from '../../store/store';
import { openTestStore } from '../../test/support/store';
import { initAgency } from './init';

interface Programme {
  id: string;
  title: string;
  summary: string;
  target: string;
  amount: string;
  rate: string;
  period: string;
  status: string;
  tags: string[];
  contact: string;
}

const PROGRAMMES: Programme[] = [
  [
    'p101',
    'ものづくり設備投資補助金',
    '生産設備の導入費用を補助します。',
    '市内の中小製造業者',
    '上限500万円',
    '2/3以内',
    '令和8年4月1日～令和8年5月29日',
    '受付中',
    ['設備投資', '生産性向上'],
    'ものづくり支援課 0120-111-001',
  ],
  [
    'p102',
    '販路開拓支援補助金',
    '展示会出展や広告の費用を補助します。',
    '市内の中小企業',
    '上限50万円',
    '1/2以内',
    '令和8年6月1日～令和8年7月31日',
    '募集予定',
    ['販路開拓'],
    '商業振興課 0120-111-002',
  ],
  [
    'p103',
    '創業者家賃助成',
    '創業後3年以内の事務所家賃を助成します。',
    '市内で創業した方',
    '月額5万円',
    '1/2',
    '令和8年4月1日～令和9年3月31日',
    '受付中',
    ['起業・創業'],
    '創業支援窓口 0120-111-003',
  ],
  [
    'p104',
    '事業承継専門家派遣',
    '後継者探しや株式承継の専門家を派遣します。',
    '市内の中小企業',
    '無料',
    '10/10',
    '令和8年4月1日～令和8年12月28日',
    '受付中',
    ['事業承継'],
    '経営支援課 0120-111-004',
  ],
  [
    'p105',
    'IT導入支援補助金',
    '業務のデジタル化に要する経費を補助します。',
    '市内の小規模事業者',
    '上限30万円',
    '3/4以内',
    '令和7年10月1日～令和7年12月26日',
    '受付終了',
    ['IT・DX'],
    'デジタル推進課 0120-111-005',
  ],
  [
    'p106',
    '省エネ設備更新補助金',
    '高効率空調・照明への更新費用を補助します。',
    '市内の中小企業',
    '上限200万円',
    '1/3以内',
    '令和8年5月7日～令和8年6月30日',
    '募集予定',
    ['設備投資', '省エネ'],
    '環境産業課 0120-111-006',
  ],
  [
    'p201',
    '人材育成研修助成金',
    '従業員の外部研修の受講料を助成します。',
    '市内の中小企業',
    '上限20万円',
    '1/2以内',
    '令和8年4月1日～令和9年2月26日',
    '受付中',
    ['雇用・人材'],
    '雇用対策課 0120-111-007',
  ],
  [
    'p202',
    '海外展示会出展補助金',
    '海外の展示会への出展費用を補助します。',
    '市内の中小企業',
    '上限100万円',
    '2/3以内',
    '令和8年4月15日～令和8年6月12日',
    '受付中',
    ['海外展開', '販路開拓'],
    '国際ビジネス課 0120-111-008',
  ],
  [
    'p203',
    '知的財産取得支援補助金',
    '特許・商標の出願費用を補助します。',
    '市内の中小企業',
    '上限40万円',
    '1/2以内',
    '令和7年4月1日～令和8年1月30日',
    '受付終了',
    ['知的財産'],
    '産業振興課 0120-111-009',
  ],
  [
    'p204',
    '経営改善計画策定支援',
    '金融機関と連携した経営改善計画の策定を支援します。',
    '市内の中小企業',
    '上限15万円',
    '2/3',
    '令和8年4月1日～令和9年3月31日',
    '受付中',
    ['経営', '金融・資金繰り'],
    '金融支援課 0120-111-010',
  ],
].map(([id, title, summary, target, amount, rate, period, status, tags, contact]) => ({
  id,
  title,
  summary,
  target,
  amount,
  rate,
  period,
  status,
  tags,
  contact,
})) as Programme[];

const card = (p: Programme) => `
    <div class="card program">
      <span class="badge">${p.status}</span>
      <h3 class="card-title"><a href="/shien/${p.id}.html">${p.title}</a></h3>
      <p class="card-text">${p.summary}</p>
      <dl class="card-data">
        <dt>対象</dt><dd>${p.target}</dd>
        <dt>上限額</dt><dd>${p.amount}</dd>
        <dt>補助率</dt><dd>${p.rate}</dd>
        <dt>受付期間</dt><dd>${p.period}</dd>
      </dl>
      <ul class="tags">${p.tags.map((t) => `<li>${t}</li>`).join('')}</ul>
    </div>`;

const chrome = (body: string, page: number) => `<!DOCTYPE html>
<html lang="ja">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>支援制度一覧（${page}/2） | 架空市産業振興センター</title>
</head>
<body>
<header id="header">
  <ul class="gnav">
    <li><a href="/">トップ</a></li><li><a href="/about/">センターについて</a></li>
    <li><a href="/shien/">支援制度</a></li><li><a href="/seminar/">セミナー</a></li>
    <li><a href="/access/">アクセス</a></li><li><a href="/contact/">お問い合わせ</a></li>
  </ul>
</header>
<main>
  <h1>支援制度一覧</h1>
  <div class="program-list">${body}
  </div>
  <div class="pagination">
    ${page === 1 ? '<span class="current">1</span> <a href="/shien/?page=2">2</a> <a href="/shien/?page=2">次へ &gt;</a>' : '<a href="/shien/">1</a> <span class="current">2</span>'}
  </div>
  <section class="news">
    <h2>新着情報</h2>
    <ul>
      <li><a href="/news/1.html">年末年始の休館日のお知らせ</a> 2025年12月1日</li>
      <li><a href="/news/2.html">セミナー動画を公開しました</a> 2025年11月20日</li>
      <li><a href="/news/3.html">窓口の受付時間を変更します</a> 2025年11月5日</li>
    </ul>
  </section>
</main>
<footer id="footer">
  <ul><li><a href="/privacy/">個人情報の取扱い</a></li><li><a href="/sitemap/">サイトマップ</a></li><li><a href="/link/">リンク集</a></li></ul>
  <p>架空市産業振興センター　〒000-0000 架空市中央1-1</p>
</footer>
</body>
</html>`;

// A card taken down last year and left in the page's source, commented out.
const RETIRED = `
    <!--
    <div class="card program">
      <span class="badge">受付終了</span>
      <h3 class="card-title"><a href="/shien/p099.html">旧制度 緊急資金繰り支援補助金</a></h3>
      <p class="card-text">令和6年度で終了しました。</p>
      <dl class="card-data"><dt>上限額</dt><dd>上限10万円</dd><dt>補助率</dt><dd>1/2</dd><dt>受付期間</dt><dd>令和6年4月1日～令和6年6月28日</dd></dl>
    </div>
    -->`;

const detail = (p: Programme) => `<!DOCTYPE html>
<html lang="ja"><head><meta charset="Shift_JIS"><title>${p.title}</title></head>
<body><main><h1>${p.title}</h1>
<table class="outline">
  <tr><th>制度の概要</th><td>${p.summary}詳しくは募集要項をご覧ください。</td></tr>
  <tr><th>問い合わせ先</th><td>${p.contact}</td></tr>
  <tr><th>申請方法</th><td>窓口または郵送</td></tr>
</table></main></body></html>`;

const sjis = (html: string) => iconv.encode(html, 'cp932');
const PAGE_1 = sjis(chrome(PROGRAMMES.slice(0, 6).map(card).join('') + RETIRED, 1));
const PAGE_2 = sjis(chrome(PROGRAMMES.slice(6).map(card).join(''), 2));

let server: Server;
let base: string;
let dir: string;
let store: Store;
beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (body: Buffer) => {
      // No charset in the header: the page's <meta> says Shift_JIS.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(body);
    };
    if (url.pathname === '/shien/') return send(url.searchParams.get('page') === '2' ? PAGE_2 : PAGE_1);
    const p = PROGRAMMES.find((x) => url.pathname === `/shien/${x.id}.html`);
    if (p) return send(sjis(detail(p)));
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-site-'));
  store = await openTestStore('empty');
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
  await store.close();
});

describe('a two-page card-list site in Shift_JIS', () => {
  test('init alone onboards every programme of both pages: title, link, amount, rate, period, status, contact', async () => {
    const { yaml } = await initAgency({
      source: `${base}/shien/`,
      entity: 'program',
      id: 'card-site',
      name: '架空市産業振興センター',
      outDir: dir,
    });
    writeFileSync(join(dir, 'card-site.yaml'), yaml);
    const source = parse(yaml).sources[0];
    // The cards, not the menu, the news list or the footer; pages by their numbered links and 次へ.
    expect(source.records).toBe('div.program-list > div.card.program');
    expect(source.pagination).toMatchObject({ next: 'a:contains("次へ >")', pages: 'div.pagination a' });
    expect(source.detail).toEqual({ link: 'h3 a', fields: { 問い合わせ先: { label: '問い合わせ先' } } });
    expect(source.mapping).toMatchObject({
      title: 'タイトル',
      url: 'URL',
      summary: '概要',
      eligibilityText: '対象',
      maxAmount: '上限額',
      subsidyRate: '補助率',
      period: '受付期間',
      contact: '問い合わせ先',
    });
    expect(source.mapping.status).toMatchObject({ column: '受付状況' });
    expect(yaml).toMatch(/^# On that file: 10 of 10 rows would land \(/m);

    const c = (await checkAgencyFile(loadAgencyConfig(join(dir, 'card-site.yaml'), {}), { show: 10, logger: quiet }))
      .sources[0];
    expect(c).toMatchObject({ status: 'ok', read: 10, accepted: 10, rejected: [], skipped: [] });
    const byTitle = new Map(c.sample.map((r) => [r.title, r]));
    // The retired card stays retired: it is only in a comment.
    expect(byTitle.has('旧制度 緊急資金繰り支援補助金')).toBe(false);
    expect([...byTitle.keys()].sort()).toEqual(PROGRAMMES.map((p) => p.title).sort());
    expect(byTitle.get('ものづくり設備投資補助金')).toMatchObject({
      url: `${base}/shien/p101.html`,
      summary: '生産設備の導入費用を補助します。',
      eligibilityText: '市内の中小製造業者',
      maxAmount: 5_000_000,
      maxAmountText: '上限500万円',
      subsidyRate: '2/3以内',
      opensOn: '2026-04-01',
      closesOn: '2026-05-29',
      publishedStatus: 'OPEN',
      kind: 'SUBSIDY',
      contact: 'ものづくり支援課 0120-111-001',
    });
    expect(byTitle.get('販路開拓支援補助金')).toMatchObject({
      maxAmount: 500_000,
      subsidyRate: '1/2以内',
      opensOn: '2026-06-01',
      closesOn: '2026-07-31',
      publishedStatus: 'UPCOMING',
    });
    // Page 2.
    expect(byTitle.get('知的財産取得支援補助金')).toMatchObject({
      url: `${base}/shien/p203.html`,
      maxAmount: 400_000,
      opensOn: '2025-04-01',
      closesOn: '2026-01-30',
      publishedStatus: 'CLOSED',
      contact: '産業振興課 0120-111-009',
    });
    expect(byTitle.get('経営改善計画策定支援')).toMatchObject({
      maxAmount: 150_000,
      subsidyRate: '2/3',
      publishedStatus: 'OPEN',
      purposes: ['経営', '金融・資金繰り'],
    });
    for (const p of PROGRAMMES) expect(byTitle.get(p.title)).toMatchObject({ contact: p.contact });
  });

  test('synced into the store, each programme keeps its published status beside its period', async () => {
    const agency = loadAgencyConfig(join(dir, 'card-site.yaml'), {});
    await syncDeclaredOrganization(store, agency, createAdapterContext());
    const report = await syncSource(store, agency, agency.sources[0], createAdapterContext());
    expect(report).toMatchObject({ outcome: 'updated', read: 10, accepted: 10 });
    const rows = await store.query<{
      title: string;
      published_status: string | null;
      opens_on: string;
      closes_on: string;
    }>('select title, published_status, opens_on::text, closes_on::text from programs where source_id = $1', [
      report.sourceId,
    ]);
    expect(rows).toHaveLength(10);
    const status = (t: string, today: string) => {
      const r = rows.find((x) => x.title === t)!;
      return programStatus(
        { opensOn: r.opens_on, closesOn: r.closes_on, publishedStatus: r.published_status as never },
        today,
      );
    };
    expect(status('ものづくり設備投資補助金', '2026-04-10')).toBe('OPEN');
    expect(status('IT導入支援補助金', '2026-04-10')).toBe('CLOSED');
  });
});

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
