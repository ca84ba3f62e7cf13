/**
 * What agency:init learns from an HTML list page, as agencies publish them: where the records are
 * (a repeated block found by structure — siblings of one tag and class path, at least three,
 * holding a link — or the rows of a table), what each record says (its heading and link, a
 * summary, label/value pairs from <dl>, <th>/<td> rows and 「label：value」 lines, a status badge,
 * a list of tags), how the list goes on (rel=next, 次へ, numbered page links), and which fields
 * only the detail pages carry. Markup inside HTML comments is not on the page; Shift_JIS and
 * EUC-JP are read by <meta> or by the bytes (decodeHtml).
 *
 * The proposal is then read by the website adapter itself, every page and detail page it names,
 * so the sample is exactly what a sync will see.
 */
import { type CheerioAPI, load } from 'cheerio';
import { AdapterError, loadLocation, type AdapterContext } from '../core/adapter';
import type { ExtractSpec, WebsiteSourceConfig } from '../core/config';
import { columnKey } from '../core/mapping';
import { createWebsiteAdapter } from '../website';
import {
  decodeHtml,
  extractList,
  labelKey,
  labelledPairs,
  MAX_PAGE_BYTES,
  parsePage,
  type Page,
  type Selection,
} from '../website/extract';
import { toFieldRules } from '../website/config';
import { createVocabularyLookup, PROGRAM_STATUSES } from '../../domain/vocabulary';
import { ENTITY_FIELDS } from '../core/fields';
import { HEADER_WORDS, headerScore } from './headers';
import type { Sample } from './sample';

const probe = load('<i></i>')('i');
type El = (typeof probe)[number];
type Sel = Selection;

const MIN_RECORDS = 3;
const DETAIL_SAMPLE = 3;
const statusOf = createVocabularyLookup(PROGRAM_STATUSES);

/** Where a page keeps what is not content: navigation, headers, footers, menus, forms. */
const CHROME = 'nav, header, footer, aside, form, script, style, noscript, [role=navigation], [role=banner]';
const CHROME_NAME =
  /(?:^|[-_])(?:nav|gnav|globalnav|navi|menu|breadcrumbs?|footer|header|sidebar|side|pager|pagination|topicpath)\d*$/i;

const validClass = (c: string) => /^[A-Za-z_][\w-]*$/.test(c);
const classesOf = (el: El): string[] => (el.attribs?.class ?? '').split(/\s+/).filter(validClass).sort();
const sig = (el: El): string =>
  `${el.tagName}${classesOf(el)
    .map((c) => `.${c}`)
    .join('')}`;

const textOf = ($: CheerioAPI, el: El | Sel): string =>
  ($(el as never) as Sel).text().normalize('NFKC').replace(/\s+/g, ' ').trim();

const isLink = (href: string | undefined) => !!href && !/^(?:#|javascript:|mailto:|tel:)/i.test(href.trim());
const linksOf = ($: CheerioAPI, el: El) =>
  $(el)
    .find('a[href]')
    .toArray()
    .filter((a) => isLink($(a).attr('href')));

function inChrome($: CheerioAPI, el: El): boolean {
  if ($(el).closest(CHROME).length > 0) return true;
  for (let p: El | null = el; p && p.tagName !== 'body'; p = p.parent as El | null) {
    const id = p.attribs?.id ?? '';
    if (CHROME_NAME.test(id) || classesOf(p).some((c) => CHROME_NAME.test(c))) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Record blocks
// ---------------------------------------------------------------------------------------------

interface Candidate {
  records: string;
  fields: Record<string, ExtractSpec>;
  /** How many records on this page, and why they are taken to be records. */
  count: number;
  score: number;
  what: string;
  /** Said in the YAML's comments. */
  note?: string;
}

const BLOCK_TAGS = new Set(['div', 'li', 'article', 'section', 'dl', 'table']);

/** Groups of elements sharing a tag and class path (theirs and their parent's), each a candidate record list. */
function blockGroups($: CheerioAPI): Array<{ key: string; selector: string; els: El[] }> {
  const groups = new Map<string, El[]>();
  for (const el of $('body *').toArray()) {
    if (!BLOCK_TAGS.has(el.tagName) || !el.parent || (el.parent as El).tagName === undefined) continue;
    const key = `${sig(el.parent as El)} > ${sig(el)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(el);
  }
  return [...groups].map(([key, els]) => ({ key, selector: key, els }));
}

/** The record blocks a page repeats: each group of at least three holding a link, outside the page's chrome. */
function blockCandidates(page: Page): Candidate[] {
  const { $ } = page;
  const qualifying = blockGroups($)
    .map((g) => ({ ...g, els: g.els.filter((el) => !inChrome($, el)) }))
    .filter((g) => {
      const linked = g.els.filter((el) => linksOf($, el).length > 0);
      if (linked.length < MIN_RECORDS) return false;
      const avg = g.els.reduce((n, el) => n + textOf($, el).length, 0) / g.els.length;
      return avg >= 8;
    });
  // A group whose every member holds two or more members of another group is their container.
  const inside = (outer: El, inner: El[]) => inner.filter((e) => $(outer).find(e as never).length > 0).length;
  const records = qualifying.filter(
    (g) => !qualifying.some((h) => h !== g && g.els.every((el) => inside(el, h.els) >= 2)),
  );
  const out: Candidate[] = [];
  for (const g of records) {
    // The selector must find these elements and no others on the page.
    if ($(g.selector).length !== g.els.length) continue;
    const unresolved: string[] = [];
    const fields = discoverFields(page, g.els, unresolved);
    if (!fields) continue;
    const labelled = Object.values(fields).filter((f) => typeof f === 'object' && 'label' in f).length;
    const linked = g.els.filter((el) => linksOf($, el).length > 0).length;
    // Records say more than their link: a block that is only a link is a menu entry.
    const beside =
      g.els.reduce(
        (n, el) => n + textOf($, el).length - linksOf($, el).reduce((m, a) => m + textOf($, a).length, 0),
        0,
      ) / g.els.length;
    out.push({
      records: g.selector,
      fields,
      count: g.els.length,
      score: linked * (2 + labelled + Object.keys(fields).length / 2) * (beside > 20 ? 2 : beside > 5 ? 1.5 : 1),
      what: `${g.els.length} blocks "${g.selector}"${labelled ? ` with ${labelled} labelled value(s) each` : ''}`,
      ...(unresolved.length > 0
        ? {
            note: 'a saved page that declares no address (<link rel="canonical">, og:url or <base>): its relative links cannot be resolved, so no URL field is proposed',
          }
        : {}),
    });
  }
  return out;
}

/** The first of `selectors` that finds an element with text in at least 80 % of the records. */
function common($: CheerioAPI, els: El[], selectors: string[], min = 0.8): string | null {
  for (const s of selectors) {
    const found = els.filter((el) => {
      const m = $(el).find(s).first();
      return m.length > 0 && textOf($, m as Sel) !== '';
    }).length;
    if (found >= els.length * min) return s;
  }
  return null;
}

/** A selector for an element within a record: its tag with its classes, as the records share it. */
function innerSelectors(els: El[], $: CheerioAPI, test: (e: El) => boolean): string[] {
  const seen = new Map<string, number>();
  for (const el of els)
    for (const e of $(el).find('*').toArray()) if (test(e)) seen.set(sig(e), (seen.get(sig(e)) ?? 0) + 1);
  return [...seen].sort((a, b) => b[1] - a[1]).map(([s]) => s);
}

/**
 * What each record of a group says, as fields: the heading (with its link), a summary, the
 * labelled values most records share, a status badge and a tag list. Null when the blocks have
 * no heading or link to name them by.
 */
function discoverFields(page: Page, els: El[], unresolved: string[] = []): Record<string, ExtractSpec> | null {
  const { $ } = page;
  const fields: Record<string, ExtractSpec> = {};
  // Labels most records share; a <dt>/<th> whose text varies from record to record is no label.
  const counts = new Map<string, { label: string; n: number }>();
  for (const el of els) {
    const seen = new Set<string>();
    for (const p of labelledPairs(page, $(el) as unknown as Sel)) {
      if (seen.has(p.key)) continue;
      seen.add(p.key);
      const c = counts.get(p.key);
      if (c) c.n++;
      else counts.set(p.key, { label: p.label, n: 1 });
    }
  }
  const labels = [...counts.values()].filter((c) => c.n >= Math.max(2, els.length * 0.3)).map((c) => c.label);
  const labelKeys = new Set(labels.map(labelKey));

  const headings = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'caption'];
  const titled = innerSelectors(els, $, (e) => /title|name|ttl|heading|head/i.test(classesOf(e).join(' ')));
  const title =
    common($, els, headings) ??
    common(
      $,
      els,
      titled.filter((s) => !/^(?:ul|ol|dl|table)\b/.test(s)),
    ) ??
    common(
      $,
      els,
      ['dt', 'strong', 'a'].filter(
        (s) => s !== 'dt' || els.every((el) => !labelKeys.has(labelKey(textOf($, $(el).find('dt').first() as Sel)))),
      ),
    );
  if (!title) return null;
  fields.タイトル = title;
  const titleLink = els.filter(
    (el) =>
      linksOf($, $(el).find(title).first().toArray()[0] ?? el).length > 0 || $(el).find(title).first().is('a[href]'),
  ).length;
  // A saved page that declares no address (canonical, og:url, <base>) has links nothing resolves.
  if (page.baseUrl.startsWith('file:')) {
    const relative = els.some((el) => linksOf($, el).some((a) => !/^https?:/i.test($(a).attr('href') ?? '')));
    if (relative) unresolved.push('its relative links');
  } else if (titleLink >= els.length * 0.5) fields.URL = { selector: title === 'a' ? 'a' : `${title} a`, attr: 'href' };
  else fields.URL = { selector: 'a[href]:first', attr: 'href' };

  // A summary: a paragraph of prose that is not a labelled value.
  const prose = innerSelectors(
    els,
    $,
    (e) =>
      ['p', 'dd', 'div', 'span'].includes(e.tagName) &&
      $(e).children('p, div, dl, ul, table').length === 0 &&
      textOf($, e).length >= 10 &&
      !/[:：]/.test(textOf($, e).slice(0, 12)),
  ).filter((s) => !headings.includes(s) && s !== title);
  const summary = common($, els, prose, 0.5);
  if (summary && !labels.some((l) => /概要|内容|説明/.test(l))) fields.概要 = `${summary}:first`;

  for (const label of labels) fields[label] = { label };

  // A status badge: a short element whose words the status vocabulary knows.
  const badges = innerSelectors(els, $, (e) => {
    const t = textOf($, e);
    return t.length > 0 && t.length <= 12 && $(e).children().length === 0 && statusOf(t) !== undefined;
  });
  const badge = common($, els, badges, 0.3);
  if (badge && !labels.some((l) => statusOf(l) !== undefined || /状況|状態/.test(l))) fields.受付状況 = badge;

  // A list of tags: short items of a list or spans whose class says tag or category.
  const tagItems = innerSelectors(
    els,
    $,
    (e) =>
      textOf($, e).length > 0 &&
      textOf($, e).length <= 20 &&
      statusOf(textOf($, e)) === undefined &&
      (/tag|categor|keyword|genre|label/i.test(classesOf(e).join(' ')) ||
        (e.tagName === 'li' && /tag|categor|keyword|genre/i.test(classesOf(e.parent as El).join(' ')))),
  );
  const tags = common($, els, tagItems, 0.3);
  if (tags) {
    const item = $(els[0]).find(tags).first();
    const parent = item.parent().toArray()[0] as El | undefined;
    fields.タグ = item.is('li') && parent ? `${sig(parent)} > li` : tags;
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Tables and lists of links (rows as records)
// ---------------------------------------------------------------------------------------------

/** A selector naming one element: its id, a distinctive attribute, its classes, or its position. */
function selectorFor($: CheerioAPI, el: El, tag: string): string {
  const node = $(el);
  const id = node.attr('id');
  if (id && /^[A-Za-z][\w-]*$/.test(id)) return `${tag}#${id}`;
  for (const attr of ['summary', 'data-name', 'aria-label']) {
    const v = node.attr(attr);
    if (v && !v.includes('"') && $(`${tag}[${attr}="${v}"]`).length === 1) return `${tag}[${attr}="${v}"]`;
  }
  const classes = classesOf(el);
  if (classes.length && $(`${tag}.${classes.join('.')}`).length === 1) return `${tag}.${classes.join('.')}`;
  const index = $(tag).toArray().indexOf(el);
  return `${tag}:eq(${index})`;
}

function tableCandidates($: CheerioAPI): Candidate[] {
  const out: Candidate[] = [];
  $('table').each((_, table) => {
    const rows = $(table)
      .find('tr')
      .toArray()
      .filter((tr) => $(tr).closest('table')[0] === table);
    const headerRow = rows.find((tr) => $(tr).children('th').length >= 2);
    const cellsOf = (tr: El) => $(tr).children('td, th').toArray();
    const width = headerRow ? cellsOf(headerRow).length : Math.max(0, ...rows.map((r) => cellsOf(r).length));
    const data = rows.filter(
      (tr) => tr !== headerRow && $(tr).children('td').length > 0 && cellsOf(tr).length === width,
    );
    if (data.length < MIN_RECORDS || width < 2) return;
    const tableSel = selectorFor($, table, 'table');
    const fields: Candidate['fields'] = {};
    for (let k = 1; k <= width; k++) {
      const name = headerRow ? textOf($, cellsOf(headerRow)[k - 1]) || `列${k}` : `列${k}`;
      const cells = data.map((tr) => cellsOf(tr)[k - 1]);
      // A column whose cells each hold a link gives the link's text and its address.
      const linked = cells.filter((c) => $(c).find('a[href]').length > 0).length >= data.length * 0.8;
      fields[name] = linked ? `> :nth-child(${k}) a` : `> :nth-child(${k})`;
      if (linked) fields[`${name}のURL`] = { selector: `> :nth-child(${k}) a`, attr: 'href' };
    }
    out.push({
      records: `${tableSel} tr:has(> td)`,
      fields,
      count: data.length,
      score: data.length * width,
      what: `the rows of the table ${tableSel} (${data.length} rows)`,
    });
  });
  $('ul, ol').each((_, list) => {
    if (inChrome($, list)) return;
    const items = $(list).children('li').toArray();
    const withLinks = items.filter((li) => $(li).find('a[href]').length > 0);
    if (withLinks.length < 5 || withLinks.length < items.length * 0.8) return;
    const listSel = selectorFor($, list, list.tagName);
    out.push({
      records: `${listSel} > li`,
      fields: { タイトル: 'a', URL: { selector: 'a', attr: 'href' }, 本文: { html: false } },
      count: items.length,
      score: withLinks.length * 2,
      what: `the items of the list ${listSel} (${items.length} items)`,
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

const NEXT_WORDS = ['次へ', '次のページ', '次ページ', '次の', 'next'];

/**
 * How the list goes on: a rel=next link, a link saying 次へ or 次のページ, and numbered page
 * links (1 2 3, ?page=2, /page/2). Null when the page shows none.
 */
export function discoverPagination($: CheerioAPI): { next?: string; pages?: string } | null {
  const out: { next?: string; pages?: string } = {};
  if ($('a[rel~="next"][href]').length > 0) out.next = 'a[rel~="next"]';
  else {
    for (const w of NEXT_WORDS) {
      const a = $('a[href]')
        .toArray()
        .find((x) => isLink($(x).attr('href')) && textOf($, x).toLowerCase().startsWith(w));
      if (a) {
        out.next = `a:contains("${textOf($, a).replace(/"/g, '')}")`;
        break;
      }
    }
  }
  // Numbered links: a number for text, an address carrying that number.
  const numbered = $('a[href]')
    .toArray()
    .filter((a) => {
      const t = textOf($, a);
      const href = $(a).attr('href') ?? '';
      return /^\d{1,3}$/.test(t) && Number(t) > 1 && isLink(href) && href.includes(t);
    });
  if (numbered.length > 0) {
    const parent = numbered[0].parent as El;
    const sameParent = numbered.filter((a) => a.parent === parent).length === numbered.length;
    const container = sameParent ? parent : ($(numbered[0]).closest('ul, ol, div, nav, p').toArray()[0] as El);
    const id = container.attribs?.id;
    const base = id && validClass(id) ? `#${id}` : sig(container);
    const sel = `${base} a`;
    if ($(sel).length >= numbered.length) out.pages = sel;
  }
  return out.next || out.pages ? out : null;
}

// ---------------------------------------------------------------------------------------------
// Detail pages
// ---------------------------------------------------------------------------------------------

/** The programme fields a label names (上限額 → maxAmount), by the header words init matches columns with. */
function fieldOfLabel(label: string): string | null {
  let best: { field: string; score: number } | null = null;
  for (const [field, words] of Object.entries(HEADER_WORDS.program)) {
    if (!ENTITY_FIELDS.program[field]) continue;
    const score = headerScore(label, words);
    if (score > 0 && (!best || score > best.score)) best = { field, score };
  }
  return best?.field ?? null;
}

/**
 * Fields only the detail pages carry: the labelled values of the first few detail pages whose
 * labels name a field the list does not give. A page that cannot be fetched proposes nothing.
 */
async function detailFields(
  ctx: AdapterContext,
  urls: string[],
  listFields: Record<string, ExtractSpec>,
  notes: string[],
): Promise<Record<string, ExtractSpec>> {
  const covered = new Set(Object.keys(listFields).map(fieldOfLabel).filter(Boolean));
  const counts = new Map<string, { label: string; n: number }>();
  let read = 0;
  for (const url of urls.slice(0, DETAIL_SAMPLE)) {
    try {
      const loaded = await loadLocation(ctx, url, { timeoutMs: 15_000, maxBytes: MAX_PAGE_BYTES });
      if (loaded.status !== 'ok') continue;
      const page = parsePage(decodeHtml(loaded.body, loaded.contentType, 'auto'), url);
      page.$(CHROME).remove();
      read++;
      const seen = new Set<string>();
      for (const p of labelledPairs(page, page.$('body') as unknown as Sel)) {
        if (seen.has(p.key)) continue;
        seen.add(p.key);
        const c = counts.get(p.key);
        if (c) c.n++;
        else counts.set(p.key, { label: p.label, n: 1 });
      }
    } catch (e) {
      notes.push(`detail pages not read (${url}: ${(e as Error).message}); the list's fields alone are proposed`);
      return {};
    }
  }
  const fields: Record<string, ExtractSpec> = {};
  for (const { label, n } of counts.values()) {
    const field = fieldOfLabel(label);
    if (!field || covered.has(field) || n < Math.min(2, read)) continue;
    covered.add(field);
    fields[label] = { label };
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// The sample
// ---------------------------------------------------------------------------------------------

export async function sampleWebsite(
  body: Buffer,
  contentType: string | null,
  location: string,
  ctx: AdapterContext,
): Promise<Sample> {
  const html = decodeHtml(body, contentType, 'auto');
  const page = parsePage(html, location);
  const candidates = [...blockCandidates(page), ...tableCandidates(page.$)].sort((a, b) => b.score - a.score);
  if (candidates.length === 0)
    throw new AdapterError(
      'no repeated record blocks, table or list of links with at least 3 records found on the page',
      'MALFORMED',
    );
  const best = candidates[0];
  const notes = [`records are ${best.what}`, ...(best.note ? [best.note] : [])];
  if (candidates.length > 1)
    notes.push(
      `also seen: ${candidates
        .slice(1, 4)
        .map((c) => c.what)
        .join('; ')}`,
    );
  const pagination = discoverPagination(page.$);
  const config: WebsiteSourceConfig = {
    kind: 'website',
    id: 'sample',
    entity: 'program',
    location,
    encoding: 'auto',
    records: best.records,
    fields: best.fields,
    mapping: {},
    timeoutMs: 30_000,
    ...(pagination ? { pagination: { ...pagination, maxPages: 20 } } : {}),
  };
  // Which fields the detail pages add: read from the first few records' links.
  const first = extractList(page, { records: best.records, fields: toFieldRules(best.fields) });
  const linkField = best.fields.URL !== undefined ? 'URL' : Object.keys(best.fields).find((k) => k.endsWith('のURL'));
  const detailUrls = linkField
    ? first.items.map((i) => i.cells[columnKey(linkField)]?.split('\n')[0] ?? '').filter((u) => /^https?:/.test(u))
    : [];
  // A saved page's links lead to the site it was saved from: its detail pages are not read.
  const live = /^https?:\/\//.test(location);
  const detail = live && detailUrls.length > 0 ? await detailFields(ctx, detailUrls, best.fields, notes) : {};
  const spec = linkField ? best.fields[linkField] : undefined;
  if (Object.keys(detail).length > 0 && spec && typeof spec === 'object' && spec.selector)
    config.detail = { link: spec.selector, fields: detail };

  // The proposal read as a sync reads it: every page, every detail page.
  const read = await createWebsiteAdapter(config, '/')(ctx).read({ etag: null, lastModified: null });
  if (read.status !== 'ok' || 'body' in read) throw new AdapterError('the page could not be read again', 'MALFORMED');
  const names = [...Object.keys(config.fields), ...Object.keys(config.detail?.fields ?? {})];
  const columns = names.map((name) => ({
    name,
    values: read.records.map((r) => r.cells[columnKey(name)] ?? ''),
  }));
  const pages = pagination
    ? ` over the pages its ${pagination.pages ? 'numbered page links' : '"next" link'} lead to`
    : '';
  if (pagination) notes.push(`${read.records.length} records${pages}`);
  if (config.detail)
    notes.push(
      `the detail pages give ${Object.keys(detail).join(', ')}, which the list does not: read from each record's page`,
    );
  const settings: Sample['settings'] = [
    ['records', best.records],
    ['fields', best.fields],
  ];
  if (config.pagination) settings.push(['pagination', config.pagination]);
  if (config.detail) settings.push(['detail', config.detail]);
  return {
    kind: 'website',
    settings,
    notes,
    columns,
    rows: read.records.length,
    rowNumbers: read.records.map((r) => r.row),
  };
}
