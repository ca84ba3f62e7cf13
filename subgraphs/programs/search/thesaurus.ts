/**
 * The needs thesaurus (needs.json) and the words query understanding treats specially
 * (words.json), compiled for one analyser. A phrase is kept as the keys of its words: nouns by
 * their folded dictionary form, verbs and adjectives by their stem (開く → 開, so 開きたい and
 * 開こう match), grammar and light verbs left out. A query matches a phrase when every key of the
 * phrase is among the query's; the query words it used are then read as the need.
 */
import { PROGRAM_KINDS, SUPPORT_FIELDS } from '../../../domain/vocabulary';
import type { Analyser, Word } from './analyser';
import needsFile from './needs.json';
import wordsFile from './words.json';
import { foldForSearch } from './text';

export interface NeedEntry {
  id: string;
  label: string;
  phrases: string[];
  supportFields: string[];
  kinds: string[];
  keywords: string[];
  examples: string[];
  notExamples: string[];
  /**
   * Who the firm is (個人事業主, 飲食店, 農業者) rather than what it needs: a preference for
   * programmes whose title or eligibility says so, never a condition.
   */
  firm?: boolean;
}

export interface Need extends Omit<NeedEntry, 'phrases'> {
  /** Keys of each phrase's words, and the needs it refers to (@startup). */
  phrases: Array<{ text: string; keys: string[]; needs: string[] }>;
}

export interface NeedMatch {
  need: Need;
  /** The phrase matched. */
  phrase: string;
  /** Indices of the query words it used. */
  used: number[];
  /** Those used by one-word phrases (商談, バイヤー): words agencies may write too. */
  named: number[];
}

export const NEED_ENTRIES: readonly NeedEntry[] = (needsFile as { needs: NeedEntry[] }).needs;
export const KIND_WORDS: Readonly<Record<string, readonly string[]>> = (
  wordsFile as { kinds: Record<string, string[]> }
).kinds;
export const GENERIC_WORDS: readonly string[] = (wordsFile as { generic: string[] }).generic;
export const LIGHT_VERBS: readonly string[] = (wordsFile as { lightVerbs: string[] }).lightVerbs;

const HIRAGANA = /[\u3041-\u309f]/;

/** Words a compound is made of (創業 and 資金 in 創業資金). */
const nounLike = (w: Word) => w.cls === 'noun' || w.cls === 'unknown';

/** The key a word is compared by (null for grammar): see the module comment. */
export function keyOf(word: Word): string | null {
  if (word.cls === 'grammar' || word.cls === 'symbol') return null;
  const base = foldForSearch(word.base);
  if (!base) return null;
  if (word.cls === 'verb' || word.cls === 'adjective') {
    // The stem: what precedes the first kana, or the whole word when it is written in kana.
    const i = [...base].findIndex((c) => HIRAGANA.test(c));
    return i > 0 ? base.slice(0, i) : base;
  }
  return base;
}

/** Every kind and support field code the data files use must exist: a typo fails at start. */
function checkCodes(entries: readonly NeedEntry[]): void {
  for (const n of entries) {
    for (const f of n.supportFields)
      if (!(f in SUPPORT_FIELDS)) throw new Error(`needs.json: need ${n.id}: unknown support field ${f}`);
    for (const k of n.kinds) if (!(k in PROGRAM_KINDS)) throw new Error(`needs.json: need ${n.id}: unknown kind ${k}`);
    if (!n.phrases.length || !n.keywords.length)
      throw new Error(`needs.json: need ${n.id}: phrases and keywords may not be empty`);
  }
  for (const [word, kinds] of Object.entries(KIND_WORDS))
    for (const k of kinds)
      if (!(k in PROGRAM_KINDS)) throw new Error(`words.json: kind word ${word}: unknown kind ${k}`);
}

export interface Thesaurus {
  readonly needs: readonly Need[];
  /** Folded generic words (dictionary forms). */
  readonly generic: ReadonlySet<string>;
  /** Folded kind word → kind codes. */
  readonly kinds: ReadonlyMap<string, readonly string[]>;
  /** Needs the words ask for, in the file's order; each query word serves one need at most. */
  match(words: readonly Word[]): NeedMatch[];
}

export function createThesaurus(analyser: Analyser, entries: readonly NeedEntry[] = NEED_ENTRIES): Thesaurus {
  checkCodes(entries);
  const generic = new Set(GENERIC_WORDS.map((w) => foldForSearch(w)));
  const kinds = new Map(Object.entries(KIND_WORDS).map(([w, k]) => [foldForSearch(w), k]));
  const light = new Set(LIGHT_VERBS.map((w) => foldForSearch(w)));
  const ids = new Set<string>();
  const needs: Need[] = entries.map((e) => {
    const need: Need = {
      ...e,
      phrases: e.phrases.map((text) => {
        const refs = [...text.matchAll(/@([a-z0-9-]+)/g)].map((m) => m[1]);
        for (const r of refs)
          if (!ids.has(r))
            throw new Error(`needs.json: need ${e.id}: phrase ${text} refers to ${r}, which is not listed above it`);
        const words = analyser.analyse(
          text
            .replace(/@[a-z0-9-]+/g, '')
            .replace(/\s+/g, '')
            .normalize('NFKC'),
        );
        // Light verbs (する, できる) say nothing of the need: 相談したい is 相談.
        const keys = words
          .filter((w) => !((w.cls === 'verb' || w.cls === 'grammar') && light.has(foldForSearch(w.base))))
          .map(keyOf)
          .filter((k): k is string => k !== null);
        if (!keys.length && !refs.length)
          throw new Error(`needs.json: need ${e.id}: phrase ${text} has no word to match`);
        return { text, keys: [...new Set(keys)], needs: refs };
      }),
    };
    ids.add(e.id);
    return need;
  });
  return {
    needs,
    generic,
    kinds,
    match(words) {
      // A phrase's noun also matches as the start or end of a longer one (不良 in 不良品, 開発 in
      // 開発費), from two characters on.
      const positions = new Map<string, number[]>();
      const add = (key: string, i: number) => {
        const list = positions.get(key);
        if (!list) positions.set(key, [i]);
        else if (!list.includes(i)) list.push(i);
      };
      words.forEach((w, i) => {
        const key = keyOf(w);
        if (key === null) return;
        add(key, i);
        if (w.cls === 'verb' || w.cls === 'adjective') return;
        for (let n = 2; n < key.length; n++) {
          add(key.slice(0, n), i);
          add(key.slice(key.length - n), i);
        }
      });
      const matches: NeedMatch[] = [];
      const usedBy = new Map<string, number[]>();
      const compounds = new Map<NeedMatch, Set<number>>();
      for (const need of needs) {
        // Every phrase of the need that the query has: 後を継ぐ and 継ぐ人 both read 後を継ぐ人.
        const hit = need.phrases.filter(
          (p) => p.keys.every((k) => positions.has(k)) && p.needs.every((n) => usedBy.has(n)),
        );
        if (!hit.length) continue;
        const used = [
          ...new Set(
            hit.flatMap((p) => [
              ...p.keys.flatMap((k) => positions.get(k)!),
              ...p.needs.flatMap((n) => usedBy.get(n)!),
            ]),
          ),
        ].sort((a, b) => a - b);
        usedBy.set(need.id, used);
        const named = [
          ...new Set(
            hit.filter((p) => p.keys.length === 1 && !p.needs.length).flatMap((p) => positions.get(p.keys[0])!),
          ),
        ];
        const match = { need, phrase: hit[0].text, used, named };
        matches.push(match);
        // Nouns one phrase of the need took as modifiers of the noun after them (創業 of 創業資金;
        // not 開発 of 研究開発, the compound's head).
        const together = new Set<number>();
        for (const p of hit) {
          if (p.keys.length < 2) continue;
          const at = new Set(p.keys.flatMap((k) => positions.get(k)!));
          for (const i of at) if (at.has(i + 1) && nounLike(words[i]) && nounLike(words[i + 1])) together.add(i);
        }
        if (together.size) compounds.set(match, together);
      }
      // A word serves one need: 海外に売りたい asks for 海外展開, not also for 販路 (売る). The
      // match using more words wins; on a tie the entry listed first, the more specific.
      // Who the firm is does not compete with needs for words: 開業予定 is the start-up need and
      // a firm about to open.
      const kept: NeedMatch[] = [];
      const claimed = [new Set<number>(), new Set<number>()];
      for (const m of [...matches].sort((a, b) => b.used.length - a.used.length)) {
        const own = claimed[m.need.firm ? 1 : 0];
        if (m.used.some((i) => own.has(i))) continue;
        for (const i of m.used) own.add(i);
        kept.push(m);
      }
      // A compound phrase may begin with a word that names a need of its own: 創業資金 (a phrase
      // of 融資) is also 創業 (a one-word phrase of 創業・開業), 開業資金 likewise. Such a need
      // keeps the modifier it names alone, beside the need the whole compound won it for. Words
      // two phrases of one need took (定年 and 退職 of シニアの起業) are no compound.
      const inCompound = (i: number) => kept.some((w) => !w.need.firm && compounds.get(w)?.has(i));
      for (const m of matches)
        if (
          !kept.includes(m) &&
          !m.need.firm &&
          m.named.length &&
          m.used.every((i) => m.named.includes(i) && inCompound(i))
        )
          kept.push(m);
      return matches.filter((m) => kept.includes(m));
    },
  };
}
