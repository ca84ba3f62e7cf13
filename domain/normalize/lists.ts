/** Multi-valued cells (a;#b, a、b, a/b …) split into their distinct, normalized items. */
import { normalizeText, ZERO_WIDTH } from './text';

// `・` is deliberately absent: it joins words inside one label (金融・資金繰り). Splitting uses them
// all at once; the order is agency:init's preference when a column uses several: an agency's own
// separator (;#) and line breaks before punctuation that may also sit inside an item (卸売、小売).
export const DEFAULT_SEPARATORS: readonly string[] = [';#', '\n', '、', ',', '，', '/', '／', '|'];

// Text and separators are width-folded first so that ｜ or ， split like | and , do.
const foldForSplit = (x: string) => x.normalize('NFKC').replace(ZERO_WIDTH, '').replace(/\r\n?/g, '\n');

// A bulk import splits the same few separator lists millions of times: each is compiled once.
const separatorPatterns = new Map<string, RegExp | null>();

function separatorPattern(separators: readonly string[]): RegExp | null {
  const key = separators.join('\u0000');
  let pattern = separatorPatterns.get(key);
  if (pattern === undefined) {
    const seps = [...new Set(separators.map(foldForSplit))].filter((x) => x !== '').sort((a, b) => b.length - a.length);
    pattern = seps.length === 0 ? null : new RegExp(seps.map(escapeRegExp).join('|'));
    if (separatorPatterns.size < 1000) separatorPatterns.set(key, pattern);
  }
  return pattern;
}

export function splitMulti(s: string | null | undefined, separators: readonly string[] = DEFAULT_SEPARATORS): string[] {
  if (s == null) return [];
  const text = foldForSplit(String(s));
  const pattern = separatorPattern(separators);
  const parts = pattern ? text.split(pattern) : [text];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of parts) {
    const item = normalizeText(part);
    if (item === '' || seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
