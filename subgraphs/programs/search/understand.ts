/**
 * Query understanding: reads what a firm typed, whether keywords (創業 融資) or a sentence
 * (借入の返済がきつい, 神戸市で店を開きたいのですが), into the clauses the index runs and the
 * interpretation the answer shows.
 *
 * - Places (兵庫県, 神戸市, 豊島区内) become an area condition, not words to find.
 * - The analyser splits sentences into words; grammar (particles, endings, polite forms) and
 *   generic words (制度, 使える, うちの会社) are dropped and listed as such.
 * - Phrases of the needs thesaurus become need clauses: the programme is filed under the need's
 *   support fields or uses one of its keywords.
 * - Kind words (補助金, 融資, 相談, セミナー) become a preference for those kinds; alone, a clause.
 * - What remains is searched for as before: nouns must match (through synonyms), verbs and
 *   adjectives only add to the score.
 * Text without kana endings (創業 融資, ＩＴ導入) keeps its words as typed, so keyword searches
 * behave as they did.
 */
import { placesInText, type Municipality } from '../../../domain/municipalities';
import { normalizeText } from '../../../domain/normalize';
import type { Analyser, Word } from './analyser';
import type { Thesaurus } from './thesaurus';
import {
  MAX_QUERY_LENGTH,
  SYNONYM_WEIGHT,
  TERM_SEPARATORS,
  alternativeOf,
  type Alternative,
  type Clause,
} from './query';
import { fieldToken, kindToken } from './segment';
import { segmentTerm, type SynonymDictionary } from './synonyms';
import { foldForSearch, isHiraganaOnly, queryTokensOf } from './text';

/** How the search read the text, as the answer shows it. */
export interface Interpretation {
  terms: string[];
  places: Municipality[];
  supportFields: string[];
  kinds: string[];
  needs: string[];
  /** Who the firm is, as the text says it (個人事業主, 飲食店): a preference, never a condition. */
  firm: string[];
  dropped: string[];
}

export interface Understanding {
  clauses: Clause[];
  /**
   * Keywords that name a need (技能検定, 人手不足) are searched as typed first, the need only
   * ranking; when they find nothing, the search asks again with `broaden`, the need then required.
   */
  broadenable: boolean;
  /** Area codes the text named: a programme must be open somewhere in one of them. */
  places: string[];
  /** Nouns and kana words as typed: the words もしかして may correct. */
  spelling: string[];
  /** Kinds named in the text (補助金, セミナー): programmes of these kinds are listed first. */
  preferredKinds: string[];
  interpretation: Interpretation;
}

export interface UnderstandOptions {
  analyser: Analyser;
  thesaurus: Thesaurus;
  synonyms: SynonymDictionary;
  /** Words of the catalogue read as the kana typed (そうぎょう → 創業), most common first. */
  readingsOf?: (kana: string) => readonly string[];
}

/** Weights of a need's alternatives: the word typed, the agencies' keywords, a filing under the field. */
export const NEED_WORD_WEIGHT = 1;
export const NEED_KEYWORD_WEIGHT = 0.6;
export const NEED_FIELD_WEIGHT = 0.45;
/** Score multipliers of kind preferences: kinds named in the text, kinds a need prefers. */
export const KIND_BOOST = 1.5;
/** Score multiplier of a need named by keywords, which only ranks what the keywords find. */
export const NEED_BOOST = 0.5;
export const NEED_KIND_BOOST = 0.5;
/** Score multiplier of who the firm is (飲食店, 農業者): programmes for such firms rank first. */
export const FIRM_BOOST = 1;
/**
 * Weight of a compound searched as its parts (店舗修繕 as 店舗 and 修繕, 飲食業 as 飲食) against
 * the compound found whole: a title writing it whole ranks first, one writing 店舗等の修繕 still
 * matches.
 */
export const SPLIT_WEIGHT = 0.8;
/** A place name meaning more municipalities than this (中央区 alone) is not applied. */
export const MAX_PLACE_CANDIDATES = 3;
/** At most this many places are applied; the rest are listed as dropped. */
export const MAX_PLACES = 5;
/** Readings turned into search alternatives for a word typed in kana. */
const READING_ALTERNATIVES = 2;

const HAS_HIRAGANA = /[\u3041-\u309f]/;
const KANA_ONLY = /^[\u3041-\u309f\u30a1-\u30fcー]+$/;

interface Piece {
  text: string;
  /** Nouns must match; verbs and adjectives only add to the score. */
  must: boolean;
  /** From a sentence (text with kana endings) rather than keywords as typed. */
  sentence: boolean;
  /** Typed in kana only (そうぎょう): readings of the catalogue's words are searched too. */
  kana: boolean;
  /** The analyser's words it is made of, for searching a compound by its parts. */
  morphs: Word[];
}

/**
 * Word classes a compound is searched without when read by its parts: suffixes and particles
 * qualify the noun before them (店舗等, 飲食業, 事業者, テレワーク用, 店舗の).
 */
const QUALIFIER_CLASSES: ReadonlySet<string> = new Set(['suffix', 'grammar', 'symbol']);

/**
 * The compound `part` (folded, starting at `start` in the folded piece) searched by its content
 * words apart: each word's bigrams required, those across word boundaries not, qualifiers left
 * out. Null when the part is one content word with nothing to leave out, or when the analyser's
 * words cannot be lined up with the folded text (folding changed a boundary).
 */
export function splitAlternative(
  part: string,
  start: number,
  folded: string,
  morphs: readonly Word[],
  weight: number,
): Alternative | null {
  if (morphs.length < 2) return null;
  const content: string[] = [];
  let qualifiers = 0;
  let at = 0;
  for (const m of morphs) {
    const f = foldForSearch(m.surface);
    if (!f) continue;
    if (!folded.startsWith(f, at)) return null;
    const end = at + f.length;
    if (at >= start && end <= start + part.length) {
      if (QUALIFIER_CLASSES.has(m.cls) || isHiraganaOnly(f)) qualifiers++;
      else content.push(f);
    }
    at = end;
  }
  if (!content.length || (content.length < 2 && qualifiers === 0)) return null;
  const tokens = [...new Set(content.flatMap((c) => queryTokensOf(c)))];
  if (!tokens.length) return null;
  return { text: content.join(' '), tokens, required: tokens.length, weight: weight * SPLIT_WEIGHT };
}

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** Splits an analysed chunk into the words to search for; grammar goes to `dropped`. */
function piecesOf(
  chunk: string,
  sentence: boolean,
  words: readonly Word[],
  used: (i: number) => boolean,
  offset: number,
  dropped: string[],
): Piece[] {
  // A word in kana alone (そうぎょう, ほじょきん, せみなー) is kept whole: the dictionary reads
  // kana words as fragments. Kana with grammar before a content word (みせをひらきたい) is a sentence.
  const content = (w: Word) => w.cls === 'noun' || w.cls === 'verb' || w.cls === 'adjective';
  if (KANA_ONLY.test(chunk) && !words.some((w, i) => w.cls === 'grammar' && words.slice(i + 1).some(content))) {
    return words.some((_, i) => used(offset + i))
      ? []
      : [{ text: chunk, must: true, sentence: false, kana: true, morphs: [] }];
  }
  const pieces: Piece[] = [];
  let run = '';
  let morphs: Word[] = [];
  const flush = () => {
    // In a sentence a lone kanji (人 in 継ぐ人がいない) says too little to be required.
    if (run)
      pieces.push({ text: run, must: !(sentence && run.length === 1), sentence, kana: isHiraganaOnly(run), morphs });
    run = '';
    morphs = [];
  };
  words.forEach((w, i) => {
    if (used(offset + i)) return flush();
    if (!sentence) {
      // Keywords as typed (ＩＴ導入, SPring-8): only the words a need or a place used break them.
      run += w.surface;
      morphs.push(w);
      return;
    }
    switch (w.cls) {
      case 'noun':
      case 'unknown':
      case 'suffix':
        run += w.surface;
        morphs.push(w);
        return;
      case 'prefix': {
        // お店, ご相談: the honorific prefix is not part of the word.
        const next = words[i + 1];
        if (next && HAS_HIRAGANA.test(w.surface)) dropped.push(w.surface);
        else {
          run += w.surface;
          morphs.push(w);
        }
        return;
      }
      case 'verb':
      case 'adjective':
        flush();
        pieces.push({ text: w.base, must: false, sentence, kana: false, morphs: [] });
        return;
      case 'symbol':
        flush();
        return;
      default:
        flush();
        dropped.push(w.surface);
    }
  });
  flush();
  return pieces;
}

export function understandQuery(
  text: string | null | undefined,
  options: UnderstandOptions,
  broaden = false,
): Understanding {
  const { analyser, thesaurus, synonyms } = options;
  const normalized = normalizeText(text ?? '').slice(0, MAX_QUERY_LENGTH);
  const dropped: string[] = [];

  // Places first: their names are no words to search for.
  const places: Municipality[] = [];
  let rest = normalized;
  for (const mention of placesInText(normalized)) {
    if (mention.candidates.length > MAX_PLACE_CANDIDATES) continue;
    if (places.length + mention.candidates.length > MAX_PLACES) dropped.push(mention.text);
    else for (const m of mention.candidates) if (!places.some((p) => p.code === m.code)) places.push(m);
    rest = `${rest.slice(0, mention.start)}${' '.repeat(mention.end - mention.start)}${rest.slice(mention.end)}`;
  }

  // Words of every chunk (the text between spaces and punctuation), in one list for the thesaurus.
  const chunks = rest.split(TERM_SEPARATORS).filter((c) => c.length > 0);
  const analysed = chunks.map((chunk) => {
    const words = analyser.analyse(chunk);
    // An analyser that lost or changed characters is not trusted with this chunk.
    return words.map((w) => w.surface).join('') === chunk
      ? words
      : [{ surface: chunk, base: chunk, cls: 'unknown' as const, reading: null }];
  });
  const all = analysed.flat();
  const chunkOf = analysed.flatMap((words, c) => words.map(() => c));
  const matched = thesaurus.match(all);
  // Who the firm is ranks; what it needs is searched for.
  const needMatches = matched.filter((m) => !m.need.firm);
  const firmMatches = matched.filter((m) => m.need.firm);
  // Chunks with kana are sentences; the others keywords as typed (broadened: read as sentences).
  const isSentence = chunks.map((chunk) => broaden || HAS_HIRAGANA.test(chunk));
  const required = needMatches.filter((m) => m.used.some((i) => isSentence[chunkOf[i]]));
  const used = new Set([...required, ...firmMatches].flatMap((m) => m.used));

  const pieces: Piece[] = [];
  let offset = 0;
  chunks.forEach((chunk, c) => {
    pieces.push(...piecesOf(chunk, isSentence[c], analysed[c], (i) => used.has(i), offset, dropped));
    offset += analysed[c].length;
  });

  const clauses: Array<Clause & { label: string }> = [];
  const terms: string[] = [];
  const spelling: string[] = [];
  const typedKinds: string[] = [];
  const kindWords: string[] = [];
  const kindLabels: string[] = [];
  const genericTerms: Piece[] = [];
  const addWord = (piece: Piece, part: string, plain: boolean, label = part, start = 0, folded = part) => {
    const alternatives: Alternative[] = [];
    if (plain) {
      const a = alternativeOf(part, 1, false);
      if (a) alternatives.push(a);
      const split = splitAlternative(part, start, folded, piece.morphs, 1);
      if (split && !alternatives.some((x) => x.text === split.text)) alternatives.push(split);
      if (piece.kana && options.readingsOf) {
        for (const word of options.readingsOf(part).slice(0, READING_ALTERNATIVES)) {
          const r = alternativeOf(word, SYNONYM_WEIGHT, true);
          if (r) alternatives.push(r);
        }
      }
    } else {
      for (const [i, alt] of (synonyms.expansions.get(part) ?? [part]).entries()) {
        const a = alternativeOf(alt, i === 0 ? 1 : SYNONYM_WEIGHT, true);
        if (a) alternatives.push(a);
      }
    }
    if (!alternatives.length) return;
    // Hiragana-only parts of a keyword (の in 創業の) only add to the score, as before. In a
    // sentence that asked for a need, the other words describe it (海外に「商品」を売りたい):
    // they rank the need's programmes rather than narrow them.
    // A part is hiragana after folding when it was katakana (ビズサポ): only hiragana as typed is grammar.
    const grammarLike = plain && isHiraganaOnly(part) && !piece.kana && HAS_HIRAGANA.test(piece.text);
    const must = piece.must && !grammarLike && !(piece.sentence && required.length > 0);
    clauses.push({ alternatives, must, label });
  };
  for (const piece of pieces) {
    const folded = foldForSearch(piece.text);
    if (!folded) continue;
    if (thesaurus.generic.has(folded)) {
      genericTerms.push(piece);
      continue;
    }
    const before = clauses.length;
    const parts = segmentTerm(folded, synonyms);
    let start = 0;
    for (const part of parts) {
      const word = part.kind === 'synonym' ? part.word : part.text;
      const at = start;
      start += word.length;
      // Shown as typed when the part is the whole word (セミナー, not its folded せみな).
      const shown = parts.length === 1 ? piece.text : word;
      const kinds = thesaurus.kinds.get(word);
      if (kinds) {
        typedKinds.push(...kinds);
        kindWords.push(word);
        kindLabels.push(shown);
      } else if (thesaurus.generic.has(word)) {
        dropped.push(shown);
      } else {
        addWord(piece, word, part.kind === 'plain', shown, at, folded);
      }
    }
    if (clauses.length > before) {
      terms.push(piece.text);
      if (piece.must || piece.kana) spelling.push(piece.text);
    }
  }

  // Needs: the nouns typed for it (技能検定, 商談会, バイヤー), its keywords, its fields. Who the
  // firm is: the same, as a preference.
  const nounLike = (w: Word) => w.cls === 'noun' || w.cls === 'unknown' || w.cls === 'suffix';
  for (const m of [...needMatches, ...firmMatches]) {
    const alternatives: Alternative[] = [];
    const typed: string[] = [];
    let run = '';
    const named = [...m.named].sort((a, b) => a - b);
    named.forEach((i, k) => {
      if (nounLike(all[i])) run += all[i].surface;
      const next = named[k + 1];
      if (!nounLike(all[i]) || next !== i + 1 || chunkOf[next] !== chunkOf[i] || !nounLike(all[next])) {
        if (run.length >= 2) typed.push(foldForSearch(run));
        run = '';
      }
    });
    for (const word of unique(typed)) {
      for (const [i, alt] of (synonyms.expansions.get(word) ?? [word]).entries()) {
        const a = alternativeOf(alt, i === 0 ? NEED_WORD_WEIGHT : NEED_WORD_WEIGHT * SYNONYM_WEIGHT, true);
        if (a && !alternatives.some((x) => x.text === a.text)) alternatives.push(a);
      }
    }
    for (const k of m.need.keywords) {
      const a = alternativeOf(foldForSearch(k), NEED_KEYWORD_WEIGHT, true);
      if (a && !alternatives.some((x) => x.text === a.text)) alternatives.push(a);
    }
    for (const f of m.need.supportFields)
      alternatives.push({ text: '', tokens: [fieldToken(f)], required: 1, weight: NEED_FIELD_WEIGHT });
    // A need named by keywords alone ranks what the keywords find; read in a sentence, it is required.
    const must = required.includes(m);
    const boost = m.need.firm ? FIRM_BOOST : must ? 1 : NEED_BOOST;
    clauses.push({ alternatives, must, broad: true, boost, label: m.need.label, firm: m.need.firm });
  }

  // Nothing left but generic words (支援制度): search for them after all rather than for nothing.
  if (!clauses.length && !typedKinds.length && genericTerms.length) {
    for (const piece of genericTerms) {
      addWord(piece, foldForSearch(piece.text), true, piece.text);
      terms.push(piece.text);
    }
  } else {
    dropped.push(...genericTerms.map((p) => p.text));
  }

  // Kinds: preferred; the only clause when the text names nothing else (補助金, セミナー).
  const needKinds = unique(needMatches.flatMap((m) => m.need.kinds)).filter((k) => !typedKinds.includes(k));
  const kindClause = (codes: string[], words: string[], boost: number): Clause => ({
    alternatives: [
      ...codes.map((k) => ({ text: '', tokens: [kindToken(k)], required: 1, weight: 1 })),
      ...unique(words.flatMap((w) => synonyms.expansions.get(w) ?? [w]))
        .map((w) => alternativeOf(w, 1, true))
        .filter((a): a is Alternative => a !== null),
    ],
    must: false,
    broad: true,
    boost,
    kind: true,
  });
  if (typedKinds.length) {
    const clause = kindClause(unique(typedKinds), unique(kindWords), KIND_BOOST);
    clause.must = !clauses.some((c) => c.must);
    clauses.push({ ...clause, label: unique(kindLabels).join('・') });
  }
  if (needKinds.length) clauses.push({ ...kindClause(needKinds, [], NEED_KIND_BOOST), label: '' });

  return {
    clauses,
    broadenable: required.length < needMatches.length,
    preferredKinds: unique(typedKinds),
    spelling: unique(spelling),
    places: places.map((p) => p.code),
    interpretation: {
      terms: unique(terms),
      places,
      supportFields: unique(needMatches.flatMap((m) => m.need.supportFields)),
      kinds: unique([...typedKinds, ...needKinds]),
      needs: needMatches.map((m) => m.need.label),
      firm: firmMatches.map((m) => m.need.label),
      dropped: unique(dropped.map((d) => d.trim()).filter(Boolean)),
    },
  };
}
