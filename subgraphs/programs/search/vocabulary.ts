/**
 * The catalogue's own words, for もしかして (did you mean): the kanji and katakana words of every
 * programme's title and summary with their readings, so a word typed in kana (ほじょきん) finds
 * its kanji form (補助金) and a misspelt one (そうぎよう, 補助近) the word it was meant to be.
 * Segments count their words as they are built (collectWords); an index merges the counts and
 * reads each distinct word once with the analyser (cached across indexes, as syncs rebuild them).
 */
import type { Analyser } from './analyser';
import { foldForSearch } from './text';

const WORD_RUNS = /[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,12}|[\u30a1-\u30fa\u30fc]{3,16}/g;
/** Distinct words read per index at most (the most common first): bounds the time to warm up. */
export const MAX_VOCABULARY = 50_000;
/** Suggestions returned at most. */
export const MAX_SUGGESTIONS = 3;

/** Counts the distinct kanji and katakana runs of one programme's text into `into`. */
export function collectWords(text: string, into: Map<string, number>): void {
  const seen = new Set(text.normalize('NFKC').match(WORD_RUNS));
  for (const w of seen) into.set(w, (into.get(w) ?? 0) + 1);
}

interface Entry {
  word: string;
  folded: string;
  reading: string;
  count: number;
}

// Readings of a run, by run: words recur across sources and across the indexes syncs make.
const readingCache = new Map<string, Array<{ word: string; reading: string }>>();
const READING_CACHE_SIZE = 200_000;

/** A run and the dictionary words inside it (創業資金融資 → 創業, 資金, 融資), each with its reading. */
function readWords(run: string, analyser: Analyser): Array<{ word: string; reading: string }> {
  let out = readingCache.get(run);
  if (!out) {
    out = [];
    const words = analyser.analyse(run);
    for (const w of words)
      if (w.reading && w.surface.length >= 2 && w.cls === 'noun') out.push({ word: w.surface, reading: w.reading });
    if (words.length > 1 && words.every((w) => w.reading))
      out.push({ word: run, reading: words.map((w) => w.reading).join('') });
    if (readingCache.size >= READING_CACHE_SIZE) readingCache.clear();
    readingCache.set(run, out);
  }
  return out;
}

/** Edit distance of two strings, or `max + 1` as soon as it must exceed `max`. */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      best = Math.min(best, row[j]);
    }
    if (best > max) return max + 1;
    previous = row;
  }
  return previous[b.length];
}

const KANA_ONLY = /^[\u3041-\u309f]+$/;

/** Steps between which `Vocabulary.inSteps` lets other work run: runs read per step. */
const RUNS_PER_STEP = 2_000;

/** The catalogue's runs read into words with their readings and counts, most common runs first. */
function* readEntries(counts: ReadonlyMap<string, number>, analyser: Analyser): Generator<void, Map<string, Entry>> {
  const merged = new Map<string, Entry>();
  const runs = [...counts].sort((a, b) => b[1] - a[1]).slice(0, MAX_VOCABULARY);
  let read = 0;
  for (const [run, count] of runs) {
    for (const { word, reading } of readWords(run, analyser)) {
      const entry = merged.get(word);
      if (entry) entry.count += count;
      else merged.set(word, { word, folded: foldForSearch(word), reading, count });
    }
    if (++read % RUNS_PER_STEP === 0) yield;
  }
  return merged;
}

export class Vocabulary {
  /** The same vocabulary as the constructor's, read in steps with the event loop let go in between. */
  static async inSteps(counts: ReadonlyMap<string, number>, analyser: Analyser): Promise<Vocabulary> {
    const steps = readEntries(counts, analyser);
    for (;;) {
      const next = steps.next();
      if (next.done) return new Vocabulary(counts, analyser, next.value);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private readonly entries: Entry[] = [];
  private readonly byReading = new Map<string, Entry[]>();
  private readonly bySurface = new Map<string, Entry>();
  /** Entries by the length of their folded form and of their reading, most common first. */
  private readonly byLength = new Map<number, Entry[]>();
  private readonly byReadingLength = new Map<number, Entry[]>();

  /** The vocabulary of `counts` read at once; `inSteps` reads it with the event loop let go in between. */
  constructor(counts: ReadonlyMap<string, number>, analyser: Analyser, read?: Map<string, Entry>) {
    let merged = read;
    if (!merged) {
      const steps = readEntries(counts, analyser);
      let next = steps.next();
      while (!next.done) next = steps.next();
      merged = next.value;
    }
    this.entries = [...merged.values()].sort((a, b) => b.count - a.count);
    for (const e of this.entries) {
      const list = this.byReading.get(e.reading);
      if (list) list.push(e);
      else this.byReading.set(e.reading, [e]);
      this.bySurface.set(e.folded, e);
      for (const [map, n] of [
        [this.byLength, e.folded.length],
        [this.byReadingLength, e.reading.length],
      ] as const) {
        const bucket = map.get(n);
        if (bucket) bucket.push(e);
        else map.set(n, [e]);
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Words read exactly as the kana given, most common first. */
  readAs(kana: string): string[] {
    return (this.byReading.get(foldForSearch(kana)) ?? []).map((e) => e.word);
  }

  /**
   * Did-you-mean for one folded word: for kana, the words read that way or one edit away; for
   * anything else not itself a word of the catalogue, the words one edit away (two for long
   * katakana words). Most common first, the word itself never.
   */
  suggest(word: string): string[] {
    const w = foldForSearch(word);
    if (w.length < 2 || this.bySurface.has(w)) return [];
    const kana = KANA_ONLY.test(w);
    const exact = kana ? (this.byReading.get(w) ?? []) : [];
    const out = exact.map((e) => e.word);
    // Words one edit away only when nothing is read exactly so: ほじょきん is 補助金, not also 助金.
    if (out.length === 0 && w.length >= 3) {
      const max = w.length >= 6 ? 2 : 1;
      const found: Entry[] = [];
      for (let n = w.length - max; n <= w.length + max; n++) {
        for (const e of (kana ? this.byReadingLength : this.byLength).get(n) ?? []) {
          const target = kana ? e.reading : e.folded;
          if (target !== w && boundedDistance(w, target, max) <= max) found.push(e);
        }
      }
      for (const e of found.sort((a, b) => b.count - a.count))
        if (out.length < MAX_SUGGESTIONS && !out.includes(e.word)) out.push(e.word);
    }
    return out.slice(0, MAX_SUGGESTIONS);
  }
}
