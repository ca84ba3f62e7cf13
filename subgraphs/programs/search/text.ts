/**
 * Text folding and tokenization for programme search. Japanese has no spaces, so text is cut the
 * way CJK analyzers cut it: after NFKC, width and kana folding (adapters/core foldKana), each run
 * of kana and kanji yields its character bigrams, plus a unigram per kanji so that one-character
 * queries (塾, 税) still find something; runs of Latin letters and digits are whole words (IT, DX).
 * Documents and queries go through the same functions, so both sides always agree.
 */
import { foldKana } from '../../../domain/normalize';

/** A token: a number for kana/kanji bigrams and unigrams, a string for Latin words. */
export type Token = number | string;

const HIRAGANA_FIRST = 0x3041;
const HIRAGANA_LAST = 0x309f;

function isKana(c: number): boolean {
  // Hiragana after folding, the prolonged sound mark, and the few katakana foldKana leaves alone.
  return (c >= HIRAGANA_FIRST && c <= HIRAGANA_LAST) || c === 0x30fc || (c >= 0x30f7 && c <= 0x30fa);
}

function isKanji(c: number): boolean {
  return (
    (c >= 0x3005 && c <= 0x3007) || // 々 〆 〇
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xd800 && c <= 0xdfff) // surrogate halves: rare kanji outside the BMP, taken unit by unit
  );
}

function isJapanese(c: number): boolean {
  return isKana(c) || isKanji(c) || (c >= 0x30a1 && c <= 0x30f6);
}

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/**
 * Japanese characters in a dense range below 2^15, so that a bigram key (a·2^15 + b) stays a small
 * integer that V8 keeps unboxed; unigram keys are negative and cannot collide with bigrams.
 */
function compact(c: number): number {
  if (c < 0x3100) return c - 0x3000;
  if (c < 0x4dc0) return 256 + (c - 0x3400);
  if (c < 0xa000) return 6848 + (c - 0x4e00);
  if (c < 0xdc00 + 0x400 && c >= 0xd800) return 28352 + (c - 0xd800);
  return 27840 + (c - 0xf900);
}

export function bigramKey(a: number, b: number): number {
  return compact(a) * 32768 + compact(b);
}

export function unigramKey(c: number): number {
  return -(compact(c) + 1);
}

// A prolonged sound mark closing a kana word is optional in Japanese spelling (プリンタ / プリンター,
// コーディネータ / コーディネーター), so it is dropped; inside a word (スーパー's first ー) it stays.
const FINAL_LONG_VOWEL = /(?<=[\u3041-\u309f\u30f7-\u30fa])ー(?![\u3041-\u309f\u30f7-\u30fa\u30fc])/g;

/** The search form of a text: NFKC, width-folded, katakana as hiragana, lower case, optional ー dropped. */
export function foldForSearch(s: string | null | undefined): string {
  if (!s) return '';
  return foldKana(s).replace(FINAL_LONG_VOWEL, '');
}

/**
 * The one scanner of folded text: calls `run` with the bounds [i, j) of each run of kana and
 * kanji and `word` with those of each Latin word; everything else separates them.
 */
function scan(folded: string, run: (i: number, j: number) => void, word: (i: number, j: number) => void): void {
  const n = folded.length;
  let i = 0;
  while (i < n) {
    const c = folded.charCodeAt(i);
    const japanese = isJapanese(c);
    if (!japanese && !isWordChar(c)) {
      i++;
      continue;
    }
    const same = japanese ? isJapanese : isWordChar;
    let j = i + 1;
    while (j < n && same(folded.charCodeAt(j))) j++;
    (japanese ? run : word)(i, j);
    i = j;
  }
}

/**
 * Calls `emit` for every token of an already folded text: bigrams of each kana/kanji run, a
 * unigram for each kanji and for a run of one character, and each Latin word.
 */
export function forEachToken(folded: string, emit: (token: Token) => void): void {
  scan(
    folded,
    (i, j) => {
      if (j - i === 1) {
        emit(unigramKey(folded.charCodeAt(i)));
        return;
      }
      for (let k = i; k < j; k++) {
        const a = folded.charCodeAt(k);
        if (isKanji(a)) emit(unigramKey(a));
        if (k + 1 < j) emit(bigramKey(a, folded.charCodeAt(k + 1)));
      }
    },
    (i, j) => emit(folded.slice(i, j)),
  );
}

/** Tokens of one text: Japanese ones as integer keys, Latin words apart. Reused between texts. */
export class TokenBuffer {
  keys = new Int32Array(1024);
  count = 0;
  words: string[] = [];
  private run = new Int32Array(256);

  reset(): void {
    this.count = 0;
    this.words.length = 0;
  }

  private push(key: number): void {
    if (this.count === this.keys.length) {
      const next = new Int32Array(this.keys.length * 2);
      next.set(this.keys);
      this.keys = next;
    }
    this.keys[this.count++] = key;
  }

  /**
   * Appends the tokens of an unfolded text: the same tokens as forEachToken(foldForSearch(text)),
   * with the folding done on the fly. Indexing a large catalogue spends most of its time here, so
   * this avoids the intermediate strings and callbacks; a test checks the two agree.
   */
  addText(text: string): void {
    let s = text.normalize('NFKC');
    if (HAS_ZERO_WIDTH.test(s)) s = s.replace(ZERO_WIDTH_ALL, '');
    const n = s.length;
    let i = 0;
    while (i < n) {
      const c = foldCode(s.charCodeAt(i));
      if (isJapanese(c)) {
        let m = 0;
        let previous = -1;
        let j = i;
        for (; j < n; j++) {
          const x = foldCode(s.charCodeAt(j));
          if (!isJapanese(x)) break;
          if (
            x === 0x30fc &&
            previous >= 0 &&
            isKanaBeforeLongVowel(previous) &&
            !(j + 1 < n && isKanaAfterLongVowel(foldCode(s.charCodeAt(j + 1))))
          ) {
            previous = x;
            continue;
          }
          previous = x;
          if (m === this.run.length) {
            const next = new Int32Array(this.run.length * 2);
            next.set(this.run);
            this.run = next;
          }
          this.run[m++] = x;
        }
        if (m === 1) this.push(unigramKey(this.run[0]));
        else {
          for (let k = 0; k < m; k++) {
            const a = this.run[k];
            if (isKanji(a)) this.push(unigramKey(a));
            if (k + 1 < m) this.push(bigramKey(a, this.run[k + 1]));
          }
        }
        i = j;
      } else if (isWordChar(c)) {
        let j = i + 1;
        while (j < n && isWordChar(foldCode(s.charCodeAt(j)))) j++;
        this.words.push(s.slice(i, j).toLowerCase());
        i = j;
      } else {
        i++;
      }
    }
  }
}

const HAS_ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/;
const ZERO_WIDTH_ALL = /[\u200B-\u200D\u2060\uFEFF]/g;

/** Width-folded code unit as foldKana leaves it: katakana as hiragana, ASCII in lower case. */
function foldCode(c: number): number {
  if ((c >= 0x30a1 && c <= 0x30f6) || c === 0x30fd || c === 0x30fe) return c - 0x60;
  if (c >= 0x41 && c <= 0x5a) return c + 0x20;
  return c;
}

function isKanaBeforeLongVowel(c: number): boolean {
  return (c >= HIRAGANA_FIRST && c <= HIRAGANA_LAST) || (c >= 0x30f7 && c <= 0x30fa);
}

function isKanaAfterLongVowel(c: number): boolean {
  return isKanaBeforeLongVowel(c) || c === 0x30fc;
}

/** The distinct tokens of a folded text, in order of first appearance. */
export function tokensOf(folded: string): Token[] {
  const seen = new Set<Token>();
  forEachToken(folded, (t) => seen.add(t));
  return [...seen];
}

/**
 * Tokens a query term must match: bigrams of its Japanese runs (a unigram only where a run is one
 * character), and its words. Unigrams of kanji inside longer runs are left out: the bigrams
 * already require those characters, and adjacent ones at that.
 */
export function queryTokensOf(folded: string): Token[] {
  const out = new Set<Token>();
  scan(
    folded,
    (i, j) => {
      if (j - i === 1) out.add(unigramKey(folded.charCodeAt(i)));
      else for (let k = i; k + 1 < j; k++) out.add(bigramKey(folded.charCodeAt(k), folded.charCodeAt(k + 1)));
    },
    (i, j) => out.add(folded.slice(i, j)),
  );
  return [...out];
}

/** Whether a folded text is hiragana only (particles and endings such as の, したい). */
export function isHiraganaOnly(folded: string): boolean {
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if (!(c >= HIRAGANA_FIRST && c <= HIRAGANA_LAST)) return false;
  }
  return folded.length > 0;
}

export function isWordText(folded: string): boolean {
  for (let i = 0; i < folded.length; i++) if (!isWordChar(folded.charCodeAt(i))) return false;
  return folded.length > 0;
}

/**
 * Folds a displayed text character by character, keeping for each folded character the index of
 * the character it came from, so that matches found in the folded form can be marked in the
 * original. The text is NFKC-normalized first; `text` of the result is that normalized form.
 */
export function foldWithOffsets(original: string): { text: string; folded: string; offsets: number[] } {
  const text = original.normalize('NFKC');
  let folded = '';
  const offsets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let f: string;
    if (c >= 0x30a1 && c <= 0x30f6) f = String.fromCharCode(c - 0x60);
    else if (c === 0x30fd || c === 0x30fe) f = String.fromCharCode(c - 0x60);
    else if (c >= 0x41 && c <= 0x5a) f = String.fromCharCode(c + 0x20);
    else if (c < 0x80) f = text[i];
    else f = text[i].toLowerCase();
    folded += f;
    for (let k = 0; k < f.length; k++) offsets.push(i);
  }
  // The same optional-ー rule as foldForSearch, applied with the offsets kept in step.
  let out = '';
  const outOffsets: number[] = [];
  for (let i = 0; i < folded.length; i++) {
    if (
      folded[i] === 'ー' &&
      i > 0 &&
      isKanaBeforeLongVowel(folded.charCodeAt(i - 1)) &&
      !(i + 1 < folded.length && isKanaAfterLongVowel(folded.charCodeAt(i + 1)))
    )
      continue;
    out += folded[i];
    outOffsets.push(offsets[i]);
  }
  return { text, folded: out, offsets: outOffsets };
}
