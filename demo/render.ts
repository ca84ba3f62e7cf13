/**
 * How the demo agencies' systems present the committed programme lists (demo/files/):
 * three web sites of different make (a card list with detail pages, a table with detail pages
 * labelled by <dt>, an old Shift_JIS page) and a prefecture-style REST API, each rendered from
 * the CSV rows at request time, so the data lives in one place. Pure functions; the server
 * (servers.ts) does the I/O. `changed` renders the same data after a redesign whose markup no
 * longer matches the agencies' selectors (a fault the tests inject).
 */
import { parseDate, splitMulti } from '../domain/normalize';

/** One row of the 中小企業支援ネットひょうご programme template (agencies/layouts/hyogo-net-programs.yaml). */
export type NetRow = Record<
  | '施策ID'
  | '施策名'
  | '概要'
  | '詳細'
  | '種別'
  | '支援分野'
  | '利用目的'
  | '対象地域'
  | '対象業種'
  | '従業員数'
  | '上限額'
  | '補助率'
  | '受付開始'
  | '受付終了'
  | 'URL'
  | '問合せ先'
  | '更新日',
  string
>;

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const e = escapeHtml;

function layout(title: string, agencyName: string, main: string, head = '<meta charset="utf-8">'): string {
  return `<!DOCTYPE html>
<html lang="ja">
<head>
${head}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} | ${e(agencyName)}</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<header class="site-header"><a class="logo" href="./">${e(agencyName)}</a>
<nav class="global"><ul><li><a href="./">支援メニュー</a></li><li><a href="#">相談窓口</a></li><li><a href="#">アクセス</a></li></ul></nav></header>
<main id="main">
${main}
</main>
<footer class="site-footer"><p>&copy; ${e(agencyName)}</p><script>/* アクセス解析 */</script></footer>
</body>
</html>
`;
}

export interface ListPage {
  rows: NetRow[];
  page: number;
  pages: number;
}

function pager(page: number, pages: number, nextRel: boolean): string {
  const links: string[] = [];
  if (page > 1) links.push(`<a href="${page === 2 ? './' : `?page=${page - 1}`}" rel="prev">前へ</a>`);
  for (let p = 1; p <= pages; p++)
    links.push(
      p === page ? `<span class="current">${p}</span>` : `<a href="${p === 1 ? './' : `?page=${p}`}">${p}</a>`,
    );
  if (page < pages) links.push(`<a href="?page=${page + 1}"${nextRel ? ' rel="next"' : ''} class="next">次へ</a>`);
  return `<nav class="pager">${links.join(' ')}</nav>`;
}

// ---------------------------------------------------------------------------------------------
// Site A (ひょうご産業活性化センター): cards, tags, a detail page per programme with a spec table
// ---------------------------------------------------------------------------------------------

export function renderCardList(agencyName: string, { rows, page, pages }: ListPage, changed: boolean): string {
  const cards = rows
    .map((r) => {
      const tags = splitMulti(r.支援分野, ['、'])
        .map((t) => `<li>${e(t)}</li>`)
        .join('');
      return changed
        ? `<article class="card" id="${e(r.施策ID)}"><h3><a href="${e(r.施策ID)}.html">${e(r.施策名)}</a></h3><p>${e(r.概要)}</p></article>`
        : `<li class="program" data-id="${e(r.施策ID)}">
  <h3 class="program-title"><a href="${e(r.施策ID)}.html">${e(r.施策名)}</a></h3>
  <p class="summary">${e(r.概要)}</p>
  <dl class="meta"><dt>種別</dt><dd class="kind">${e(r.種別)}</dd><dt>支援分野</dt><dd class="fields"><ul class="tags">${tags}</ul></dd></dl>
</li>`;
    })
    .join('\n');
  const list = changed ? `<div class="cards">${cards}</div>` : `<ul class="program-list">\n${cards}\n</ul>`;
  return layout('支援メニュー一覧', agencyName, `<h1>支援メニュー一覧</h1>\n${list}\n${pager(page, pages, true)}`);
}

export function renderCardDetail(agencyName: string, r: NetRow, changed: boolean): string {
  const spec: Array<[string, string, string]> = [
    ['purposes', '利用目的', r.利用目的],
    ['area', '対象地域', r.対象地域],
    ['industries', '対象業種', r.対象業種],
    ['employees', '従業員数', r.従業員数],
    ['amount', '上限額', r.上限額],
    ['rate', '補助率', r.補助率],
    ['opens', '受付開始', r.受付開始],
    ['closes', '受付終了', r.受付終了],
    ['contact', '問合せ先', r.問合せ先],
    ['updated', '更新日', r.更新日],
  ];
  const rows = spec
    .map(([cls, label, v]) => `<tr><th>${label}</th><td class="${changed ? `x-${cls}` : cls}">${e(v)}</td></tr>`)
    .join('\n');
  return layout(
    r.施策名,
    agencyName,
    `<p class="breadcrumb"><a href="./">支援メニュー一覧</a> &gt; ${e(r.施策名)}</p>
<h1 class="title">${e(r.施策名)}</h1>
<div class="${changed ? 'content' : 'body'}">${r.詳細}</div>
<table class="${changed ? 'outline' : 'spec'}">
${rows}
</table>
<p class="official"><a class="official-link" href="${e(r.URL)}">公式ページ</a></p>`,
  );
}

// ---------------------------------------------------------------------------------------------
// Site B (神戸市産業振興財団): a table list; detail pages whose values follow <dt> labels
// ---------------------------------------------------------------------------------------------

export function renderTableList(agencyName: string, { rows, page, pages }: ListPage, changed: boolean): string {
  const body = rows
    .map(
      (r) =>
        `<tr class="${changed ? 'entry' : 'item'}"><td class="code">${e(r.施策ID)}</td><td class="name"><a href="detail/${encodeURIComponent(r.施策ID)}.html">${e(r.施策名)}</a></td><td class="type">${e(r.種別)}</td><td class="field">${e(r.支援分野)}</td><td class="until">${e(r.受付終了)}</td></tr>`,
    )
    .join('\n');
  return layout(
    '支援制度のご案内',
    agencyName,
    `<h1>支援制度のご案内</h1>
<table class="${changed ? 'grid' : 'seido-list'}">
<thead><tr><th>番号</th><th>制度名</th><th>種別</th><th>分野</th><th>受付終了</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
${pager(page, pages, true)}`,
  );
}

export function renderTableDetail(agencyName: string, r: NetRow, changed: boolean): string {
  const items: Array<[string, string]> = [
    ['概要', e(r.概要)],
    ['詳しい内容', r.詳細],
    ['利用目的', e(r.利用目的)],
    ['対象地域', e(r.対象地域)],
    ['対象業種', e(r.対象業種)],
    ['従業員規模', e(r.従業員数)],
    ['上限額', e(r.上限額)],
    ['補助率', e(r.補助率)],
    ['受付開始', e(r.受付開始)],
    ['問合せ先', e(r.問合せ先)],
    ['更新日', e(r.更新日)],
    ['関連リンク', `<a href="${e(r.URL)}">${e(r.URL)}</a>`],
  ];
  const dl = items.map(([label, v]) => `<dt>${label}</dt><dd>${v}</dd>`).join('\n');
  return layout(
    r.施策名,
    agencyName,
    `<h1>${e(r.施策名)}</h1>\n<dl class="${changed ? 'info' : 'detail'}">\n${dl}\n</dl>`,
  );
}

// ---------------------------------------------------------------------------------------------
// Site C (兵庫県商工会連合会): one old-style page in Shift_JIS, declared only by <meta http-equiv>
// ---------------------------------------------------------------------------------------------

export function renderLegacyTable(agencyName: string, rows: NetRow[], changed: boolean): string {
  const columns: Array<keyof NetRow> = [
    '施策ID',
    '施策名',
    '概要',
    '詳細',
    '種別',
    '支援分野',
    '利用目的',
    '対象地域',
    '対象業種',
    '従業員数',
    '上限額',
    '補助率',
    '受付開始',
    '受付終了',
    'URL',
    '問合せ先',
    '更新日',
  ];
  const cell = (r: NetRow, c: keyof NetRow) =>
    c === '詳細' ? r[c] : c === 'URL' ? `<a href="${e(r[c])}">${e(r[c])}</a>` : e(r[c]);
  const body = rows
    .map(
      (r) =>
        `<tr${changed ? '' : ' class="seido"'}>${columns.map((c, i) => `<td class="c${i + 1}">${cell(r, c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html lang="ja">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>${e(agencyName)} 支援施策一覧</title>
</head>
<body bgcolor="#ffffff">
<table width="100%" border="0"><tr><td><font size="4"><b>${e(agencyName)}</b></font></td></tr></table>
<table border="1" cellpadding="4" class="${changed ? 'list2' : 'list'}">
<tr>${columns.map((c) => `<th>${c}</th>`).join('')}</tr>
${body}
</table>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------
// The prefecture-style REST API
// ---------------------------------------------------------------------------------------------

// JSON APIs give dates in ISO form; a value that is not a date is passed on as written.
const isoDate = (s: string): string | null => {
  if (!s.trim()) return null;
  const r = parseDate(s);
  return r.ok && r.value ? r.value : s;
};
const orNull = (s: string) => (s.trim() ? s : null);

export function toApiProgram(r: NetRow): Record<string, unknown> {
  return {
    programId: r.施策ID,
    title: r.施策名,
    summary: r.概要,
    detail: r.詳細,
    kind: r.種別,
    supportFields: splitMulti(r.支援分野, ['、']),
    purposes: splitMulti(r.利用目的, ['/']),
    area: orNull(r.対象地域),
    industries: splitMulti(r.対象業種, ['、']),
    eligibility: { employees: orNull(r.従業員数) },
    maxAmount: orNull(r.上限額),
    subsidyRate: orNull(r.補助率),
    applicationPeriod: { opensOn: isoDate(r.受付開始), closesOn: isoDate(r.受付終了) },
    url: orNull(r.URL),
    contact: orNull(r.問合せ先),
    updatedOn: isoDate(r.更新日),
  };
}

export function renderApiPage(
  rows: NetRow[],
  page: number,
  perPage: number,
  changed: boolean,
): { body: Record<string, unknown>; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / perPage));
  const items = rows.slice((page - 1) * perPage, page * perPage).map(toApiProgram);
  const meta = { page, per_page: perPage, total: rows.length, total_pages: pages };
  return { body: changed ? { data: { results: items }, meta } : { data: { items }, meta }, pages };
}
