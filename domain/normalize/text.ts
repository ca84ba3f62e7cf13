/**
 * Text as agencies write it: width and spacing folded (NFKC), zero-width characters dropped, HTML
 * cells flattened to lines, and the folding search uses (katakana as hiragana).
 */
// cheerio is loaded on the first entity to decode: most text has none, and loading it costs every
// thread that normalizes (the gateway's, the store's, each sync and subgraph worker) a few
// hundred milliseconds of a start.
let cheerioLoad: typeof import('cheerio').load | undefined;
const loadHtml = (html: string) => {
  cheerioLoad ??= (require('cheerio') as typeof import('cheerio')).load;
  return cheerioLoad(html, null, false);
};

// Zero-width characters survive NFKC and break equality and search, so they are dropped outright.
export const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

// Printable ASCII words with single spaces between them: already what normalizeText returns.
const PLAIN_ASCII = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

export function normalizeText(s: string | null | undefined): string {
  if (s == null) return '';
  const text = String(s);
  // Codes, dates and numbers, most cells of a log, need no Unicode normalization.
  if (PLAIN_ASCII.test(text)) return text;
  return text.normalize('NFKC').replace(ZERO_WIDTH, '').replace(/\s+/g, ' ').trim();
}

export function normalizeMultiline(s: string | null | undefined): string {
  if (s == null) return '';
  return String(s)
    .normalize('NFKC')
    .replace(ZERO_WIDTH, '')
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Elements whose end means "new line" when a page or a cell is flattened to text.
const BLOCK_END = /<\/(?:p|li|div|tr|h[1-6]|dd|dt|blockquote|section|article|table|ul|ol)\s*>/gi;

/**
 * Entities are decoded with cheerio because `entities` v9 is ESM-only: plain Node 20.20 can
 * require() it, but jest's module runtime cannot.
 */
export function htmlToText(s: string | null | undefined): string {
  if (s == null) return '';
  const flattened = String(s)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(BLOCK_END, '\n')
    // Only things that look like tags are removed, so "1 < 2" in a cell keeps its "<".
    .replace(/<\/?[a-zA-Z][^>]*>/g, '');
  const decoded = flattened.includes('&') ? decodeEntities(flattened) : flattened;
  return normalizeMultiline(decoded);
}

// The same few entities recur in every cell; parsing each only once keeps bulk imports fast.
const entityCache = new Map<string, string>();

function decodeEntities(text: string): string {
  // Parsing the whole string would let a stray "<" swallow text, so only entity references go
  // through the HTML parser.
  return text.replace(/&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);?/gi, (ref) => {
    let decoded = entityCache.get(ref);
    if (decoded === undefined) {
      decoded = loadHtml(ref).text();
      if (entityCache.size < 1000) entityCache.set(ref, decoded);
    }
    return decoded;
  });
}

/** Key for search: width-folded, katakana as hiragana, ASCII lower-cased. */
export function foldKana(s: string): string {
  return normalizeText(s)
    .replace(/[\u30A1-\u30F6\u30FD\u30FE]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .toLowerCase();
}
