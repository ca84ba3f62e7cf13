/** Money as agencies write it: yen amounts (上限100万円, 1,000千円, 1億2,000万円) and subsidy rates (2/3以内, 50%, 3分の2). */
import { toNumber } from './numbers';
import { fail, ok, type ParseResult } from './result';
import { normalizeText } from './text';

// Words that say "no amount" rather than "unknown amount".
const NONE_WORDS = new Set([
  'なし',
  '無し',
  '無',
  '該当なし',
  '該当無し',
  '-',
  '--',
  'ー',
  '―',
  '—',
  '–',
  '‐',
  '−',
  'n/a',
]);

const YEN_UNITS = new Map<string, number>([
  ['兆', 1e12],
  ['億', 1e8],
  ['千万', 1e7],
  ['百万', 1e6],
  ['十万', 1e5],
  ['万', 1e4],
  ['千', 1e3],
]);
// In the alternation 千万 must come before 千, or 「3千万円」 would read as 3,000 followed by 万円.
const YEN_TERM = /(\d(?:[\d,.]*\d)?)\s*(兆|億|千万|百万|十万|万|千)?/g;

interface Compound {
  start: number;
  end: number;
  terms: { token: string; unit: number }[];
  yen: boolean;
}

/** Groups "1億" "2,000万" "円" into one amount; units must descend, as in written Japanese. */
function findYenCompounds(t: string): Compound[] {
  const compounds: Compound[] = [];
  let current: Compound | null = null;
  let lastUnit = Infinity;
  for (const m of t.matchAll(YEN_TERM)) {
    const start = m.index as number;
    const unit = m[2] ? (YEN_UNITS.get(m[2]) as number) : 1;
    const adjacent = current !== null && /^\s*$/.test(t.slice(current.end, start));
    if (current && adjacent && lastUnit > 1 && unit < lastUnit) {
      current.terms.push({ token: m[1], unit });
      current.end = start + m[0].length;
    } else {
      if (current) compounds.push(current);
      current = { start, end: start + m[0].length, terms: [{ token: m[1], unit }], yen: false };
    }
    lastUnit = unit;
  }
  if (current) compounds.push(current);
  for (const c of compounds) {
    const after = t.slice(c.end);
    c.yen = c.terms.some((x) => x.unit > 1) || /^\s*円/.test(after);
  }
  return compounds;
}

// Qualifiers around a bare number that do not change its meaning as an amount.
const AMOUNT_QUALIFIERS =
  /上限額?|限度額?|最大|最高|補助上限額?|補助金額|助成額|融資額|金額|以内|以下|まで|程度|[:：]/g;

/** Amount in yen (first amount mentioned) plus the normalized original, which keeps the caveats. */
export function parseYen(s: string | null | undefined): ParseResult<{ amount: number | null; text: string } | null> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  if (NONE_WORDS.has(text.toLowerCase())) return ok(null);

  const compounds = findYenCompounds(text);
  let chosen = compounds.find((c) => c.yen);
  if (!chosen) {
    // A bare number is taken as yen only when nothing else in the cell could be its unit.
    const bare = text.replace(AMOUNT_QUALIFIERS, '').trim();
    if (compounds.length === 1 && bare === compounds[0].terms[0].token) chosen = compounds[0];
  }
  if (!chosen) return ok({ amount: null, text });

  let amount = 0;
  for (const term of chosen.terms) {
    const n = toNumber(term.token);
    if (n === null) return fail(`"${term.token}" is not a well-formed number`);
    amount += n * term.unit;
  }
  amount = Math.round(amount);
  if (!Number.isSafeInteger(amount)) return fail(`${text} is too large to be an amount in yen`);
  return ok({ amount, text });
}

const INTEREST_WORDS = /利率|金利|年利|年率|利子|利息|保証料/;
// 年1.2% is interest; 令和7年 50% is a year followed by a rate, hence the look-behind.
const ANNUAL_PERCENT = /(?<!\d)年\s*\d+(?:\.\d+)?\s*%/;

/** Share of the cost the programme pays, rounded to 4 decimals; the text keeps conditions. */
export function parseSubsidyRate(
  s: string | null | undefined,
): ParseResult<{ text: string; ratio: number | null } | null> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  // Loan conditions end up in the same column in several sources; a rate of interest is not a
  // share of costs, so it must not be read as one.
  if (INTEREST_WORDS.test(text) || ANNUAL_PERCENT.test(text)) return ok({ text, ratio: null });

  const candidates: { index: number; ratio: ParseResult<number> }[] = [];
  const push = (index: number, num: number, den: number, written: string) => {
    if (!(den > 0)) candidates.push({ index, ratio: { ok: false, reason: `${written} has a zero denominator` } });
    else if (num / den > 1)
      candidates.push({ index, ratio: { ok: false, reason: `${written} is more than the whole cost` } });
    else candidates.push({ index, ratio: { ok: true, value: num / den } });
  };
  // U+2044 (fraction slash) is what NFKC makes of characters like ⅔.
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*[/\u2044]\s*(\d+(?:\.\d+)?)/g)) {
    push(m.index as number, Number(m[1]), Number(m[2]), m[0]);
  }
  for (const m of text.matchAll(/(\d+)\s*分\s*の\s*(\d+)/g)) push(m.index as number, Number(m[2]), Number(m[1]), m[0]);
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*%/g)) push(m.index as number, Number(m[1]), 100, m[0]);
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*割/g)) push(m.index as number, Number(m[1]), 10, m[0]);

  if (candidates.length === 0) return ok({ text, ratio: null });
  const first = candidates.sort((a, b) => a.index - b.index)[0].ratio;
  if (!first.ok) return fail(first.reason);
  return ok({ text, ratio: Math.round(first.value * 10_000) / 10_000 });
}
