/**
 * The website adapter's page work, without I/O: choosing a page's character encoding and decoding
 * it (Shift_JIS pages are still common on agencies' sites), then taking records, fields, detail
 * links and the next page's link out of it with CSS selectors (cheerio).
 */
import { pathToFileURL } from 'node:url';
import { isUtf8 } from 'node:buffer';
import EncodingJapanese from 'encoding-japanese';
import iconv from 'iconv-lite';
import { load, type CheerioAPI } from 'cheerio';
import { htmlToText } from '../../domain/normalize';
import { AdapterError } from '../core/adapter';
import { decodeText, hasUtf8Bom, type Encoding } from '../spreadsheet/csv';
import type { FieldRule } from './config';

// Labels pages use for the encodings iconv-lite knows by other names. CP932 is a superset of
// Shift_JIS that Windows-made pages rely on (①, ㈱, 髙), so every Shift_JIS label decodes as CP932.
const LABELS: Record<string, string> = {
  shift_jis: 'cp932',
  'shift-jis': 'cp932',
  sjis: 'cp932',
  'x-sjis': 'cp932',
  ms_kanji: 'cp932',
  csshiftjis: 'cp932',
  'windows-31j': 'cp932',
  ms932: 'cp932',
  cp932: 'cp932',
  'euc-jp': 'eucjp',
  'x-euc-jp': 'eucjp',
  'utf-8': 'utf8',
  utf8: 'utf8',
};

/** The charset named by a Content-Type value, if any. */
export function charsetFromContentType(contentType: string | null): string | null {
  const m = contentType ? /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType) : null;
  return m ? m[1].toLowerCase() : null;
}

/** `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">` in the page's head. */
export function charsetFromMeta(bytes: Buffer): string | null {
  // Charset declarations are ASCII and must appear in the first 1024 bytes (HTML's prescan).
  const head = bytes.subarray(0, 1024).toString('latin1');
  for (const tag of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const m = /\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(tag);
    if (m) return m[1].toLowerCase();
  }
  return null;
}

const iconvName = (label: string | null): string | null => {
  if (!label) return null;
  const name = LABELS[label] ?? label;
  return iconv.encodingExists(name) ? name : null;
};

/**
 * Decodes a page. A UTF-8 BOM wins; then a configured encoding other than "auto"; then the
 * Content-Type header, then the page's own <meta> (unless it names a Japanese legacy encoding
 * the bytes plainly are not); else UTF-8 if the bytes are valid UTF-8, else EUC-JP or CP932 as
 * the bytes say (encoding-japanese's detection).
 */
export function decodeHtml(bytes: Buffer, contentType: string | null, configured: Encoding): string {
  let declared = hasUtf8Bom(bytes)
    ? null
    : configured !== 'auto'
      ? iconvName(configured)
      : (iconvName(charsetFromContentType(contentType)) ?? iconvName(charsetFromMeta(bytes)));
  // A page re-saved as UTF-8 often keeps its old <meta charset=Shift_JIS>. Japanese text in
  // Shift_JIS or EUC-JP is practically never valid UTF-8, so valid UTF-8 with non-ASCII bytes wins
  // over a declared Japanese legacy encoding (unless the agency file names the encoding).
  if (configured === 'auto' && (declared === 'cp932' || declared === 'eucjp') && !isAscii(bytes) && isUtf8(bytes))
    declared = null;
  if (declared) return iconv.decode(bytes, declared);
  // Nothing declared and not UTF-8: Shift_JIS or EUC-JP, told apart by their byte patterns.
  if (!hasUtf8Bom(bytes) && !isUtf8(bytes) && EncodingJapanese.detect(bytes) === 'EUCJP')
    return iconv.decode(bytes, 'eucjp');
  return decodeText(bytes, 'auto');
}

function isAscii(bytes: Buffer): boolean {
  for (const b of bytes) if (b > 0x7f) return false;
  return true;
}

export type Selection = ReturnType<ReturnType<CheerioAPI['root']>['find']>;

/** A page parsed once, with the URL its relative links resolve against (<base href> honoured). */
export interface Page {
  $: CheerioAPI;
  baseUrl: string;
}

/** Most characters a page may have: agencies' longest list pages are a few hundred KB. */
export const MAX_PAGE_CHARS = 16 * 1024 * 1024;
/** Most bytes a page's answer may have (a UTF-8 character takes up to 3). */
export const MAX_PAGE_BYTES = 3 * MAX_PAGE_CHARS;
/** Deepest nesting of elements a page may have: agencies' pages nest 10–25 deep. */
export const MAX_NESTING = 256;

type Node = { type: string; children?: Node[] };

/** Whether elements nest deeper than `max` (an iterative walk: no recursion, stops early). */
function nestsDeeperThan(root: Node, max: number): boolean {
  const stack: Array<[Node, number]> = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of node.children ?? []) if (child.children) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Parses a page. A page larger than MAX_PAGE_CHARS or nested deeper than MAX_NESTING is refused
 * (MALFORMED): reading records out of one costs time that grows with size times depth, so a
 * hostile or broken page would hold a sync or agency:init for minutes.
 */
export function parsePage(html: string, url: string): Page {
  if (html.length > MAX_PAGE_CHARS)
    throw new AdapterError(`${url} is longer than ${MAX_PAGE_CHARS / 1024 / 1024} Mi characters, too long for a page`);
  const $ = load(html);
  if (nestsDeeperThan($.root()[0] as unknown as Node, MAX_NESTING))
    throw new AdapterError(`${url} nests elements deeper than ${MAX_NESTING} levels, more than any page of records`);
  // A page read from a file resolves its links against the address it says it was published at.
  const isFile = !/^https?:\/\//.test(url);
  const declared = isFile
    ? ($('link[rel=canonical]').attr('href') ?? $('meta[property="og:url"]').attr('content'))
    : undefined;
  const base =
    $('base[href]').first().attr('href') ?? (declared && /^https?:\/\//.test(declared) ? declared : undefined);
  let baseUrl = isFile ? pathToFileURL(url).href : url;
  if (base) {
    try {
      baseUrl = new URL(base, baseUrl).toString();
    } catch {
      // An unusable <base> is ignored, as browsers do.
    }
  }
  return { $, baseUrl };
}

const COMMENT = /<!--[\s\S]*?-->/g;

// Attributes holding URLs are resolved so the mapping gets absolute links.
const URL_ATTRS = new Set(['href', 'src', 'action', 'data-href', 'data-url']);

function valueOf(page: Page, el: Selection, attr: string | undefined, html: boolean): string {
  if (attr) {
    const v = el.attr(attr) ?? '';
    if (v && URL_ATTRS.has(attr.toLowerCase())) {
      try {
        return new URL(v, page.baseUrl).toString();
      } catch {
        return v;
      }
    }
    return v;
  }
  // Markup commented out on the page is not on the page.
  const inner = (el.html() ?? '').replace(COMMENT, '');
  if (html) return inner;
  // Text as a browser shows it: the source's own line breaks and indentation collapse to one
  // space, while <br> and block ends become line breaks (cheerio's .text() would lose those).
  return htmlToText(inner.replace(/\s+/g, ' '));
}

/**
 * One field's value within a scope: undefined when the selector matches nothing (so a markup
 * change can be told from an empty cell); several matches are joined by line breaks, which
 * multi-valued fields split on.
 */
export function extractField(page: Page, scope: Selection | null, rule: FieldRule): string | undefined {
  // A null scope is the whole page (a detail page); a rule without selector means the record itself.
  const matched = rule.selector
    ? scope
      ? scope.find(rule.selector)
      : (page.$(rule.selector) as Selection)
    : (scope ?? (page.$.root() as unknown as Selection));
  if (!matched || matched.length === 0) return undefined;
  if (rule.label !== undefined) {
    const values = matched
      .toArray()
      .flatMap((node) => labelledPairs(page, page.$(node)).filter((p) => p.key === labelKey(rule.label!)))
      .map((p) => p.value);
    return values.length > 0 ? values.join('\n') : undefined;
  }
  return matched
    .toArray()
    .map((node) => valueOf(page, page.$(node), rule.attr, rule.html))
    .join('\n');
}

export function extractFields(
  page: Page,
  scope: Selection | null,
  rules: Record<string, FieldRule>,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(rules).map(([name, rule]) => [name, extractField(page, scope, rule)]));
}

export interface ListItem {
  cells: Record<string, string | undefined>;
  detailUrl: string | null;
}

export function extractList(
  page: Page,
  spec: { records: string; fields: Record<string, FieldRule>; detailLink?: string; next?: string; pages?: string },
): { items: ListItem[]; next: string | null; pages: string[] } {
  const { $ } = page;
  const items = ($(spec.records) as Selection).toArray().map((node) => {
    const scope = $(node);
    return {
      cells: extractFields(page, scope, spec.fields),
      detailUrl: spec.detailLink
        ? extractField(page, scope, { selector: spec.detailLink, attr: 'href', html: false })?.split('\n')[0] || null
        : null,
    };
  });
  const next = spec.next
    ? extractField(page, null, { selector: spec.next, attr: 'href', html: false })?.split('\n')[0] || null
    : null;
  const pages = spec.pages
    ? (extractField(page, null, { selector: spec.pages, attr: 'href', html: false }) ?? '')
        .split('\n')
        .filter((u) => /^https?:|^file:/.test(u))
    : [];
  return { items, next, pages };
}

// ---------------------------------------------------------------------------------------------
// Labelled values: 上限額 → 100万円, as pages write them
// ---------------------------------------------------------------------------------------------

/** How labels compare: NFKC, no spaces, marks and brackets around them left out (■対象： → 対象). */
export const labelKey = (label: string): string =>
  label
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/^[■□●○◆◇▼▽▶・*【\[〔(<]+/, '')
    .replace(/[】\]〕)>]+$/, '')
    .replace(/[:：]+$/, '')
    .toLowerCase();

// A line 「label：value」 or 「【label】value」: a short label without sentence punctuation.
const LABEL_LINE = /^[■□●○◆◇▼▽▶・*]?\s*(?:【([^】]{1,12})】\s*|([^:：。、,，\s][^:：。、,，]{0,11}?)\s*[:：]\s*)(.+)$/;

export interface LabelledPair {
  /** As the page writes it, trimmed. */
  label: string;
  /** labelKey(label). */
  key: string;
  value: string;
}

/**
 * The label/value pairs inside a scope: each <dt> with its <dd>s, each <th> with the cells after
 * it in its row, and each line of text written 「label：value」 or 「【label】value」 (outside those
 * lists and tables). Values are text as a browser shows it; several <dd>s join with line breaks.
 */
export function labelledPairs(page: Page, scope: Selection): LabelledPair[] {
  const { $ } = page;
  const pairs: LabelledPair[] = [];
  const add = (label: string, value: string) => {
    const l = label.normalize('NFKC').replace(/\s+/g, ' ').trim();
    const v = value.trim();
    if (l && v && l.length <= 30) pairs.push({ label: l, key: labelKey(l), value: v });
  };
  const textOf = (el: Selection) => htmlToText((el.html() ?? '').replace(COMMENT, '').replace(/\s+/g, ' '));
  const dts = scope.is('dt') ? scope : scope.find('dt');
  dts.each((_, dt) => {
    const values: string[] = [];
    for (let next = $(dt).next(); next.length > 0 && !next.is('dt'); next = next.next())
      if (next.is('dd')) values.push(textOf(next as Selection));
    add(textOf($(dt) as Selection), values.join('\n'));
  });
  scope.find('th').each((_, th) => {
    const cells = $(th).nextAll('td');
    if (cells.length > 0)
      add(
        textOf($(th) as Selection),
        cells
          .toArray()
          .map((c) => textOf($(c) as Selection))
          .join('\n'),
      );
  });
  // Text outside lists and tables, line by line.
  const rest = scope.clone();
  rest.find('dl, table, script, style').remove();
  for (const line of textOf(rest as Selection).split('\n')) {
    const m = LABEL_LINE.exec(line.normalize('NFKC').trim());
    if (m && !/^https?$/i.test(m[1] ?? m[2] ?? '')) add(m[1] ?? m[2], m[3]);
  }
  return pairs;
}
