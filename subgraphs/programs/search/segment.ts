/**
 * One source's programmes as an immutable, compact index segment: a bigram/unigram/word inverted
 * index in typed arrays (postings sorted by document, a packed per-field term frequency per
 * posting) and the attributes that filters, facets and sorting read. A sync replaces one source
 * at a time, so the search index is a set of these segments and a sync rebuilds only its own.
 * Values repeated across programmes (providers, purposes, areas, application periods) are
 * numbered in dictionaries all segments of an index share (dictionaries.ts), so a query works on small arrays
 * indexed by those numbers instead of strings.
 */
import { PROGRAM_KINDS, SUPPORT_FIELDS } from '../../../domain/vocabulary';
import { NATIONWIDE } from '../../../domain/municipalities';
import type { IndexableProgramRow } from '../../../store/programs';
import type { Dictionaries } from './dictionaries';
import { TokenBuffer, type Token } from './text';
import { collectWords } from './vocabulary';

/** What the index reads of a programme (the store loads just these columns); a stored ProgramRecord has all of it. */
export type IndexableProgram = IndexableProgramRow;

export const SUPPORT_FIELD_CODES = Object.keys(SUPPORT_FIELDS) as Array<keyof typeof SUPPORT_FIELDS>;
export const PROGRAM_KIND_CODES = Object.keys(PROGRAM_KINDS) as Array<keyof typeof PROGRAM_KINDS>;
const FIELD_BIT = new Map<string, number>(SUPPORT_FIELD_CODES.map((c, i) => [c, 1 << i]));
const KIND_INDEX = new Map<string, number>(PROGRAM_KIND_CODES.map((c, i) => [c, i]));

/**
 * Tokens of a programme's support fields and kind, indexed with its labels (the tags field), so a
 * need (filed under 起業・創業) or a kind preference (補助金) is matched and scored like any word.
 * The leading control character keeps them apart from every token text can produce.
 */
export const fieldToken = (code: string): string => `\u0001f${code}`;
export const kindToken = (code: string): string => `\u0001k${code}`;

export function supportFieldMask(codes: readonly string[]): number {
  let mask = 0;
  for (const c of codes) mask |= FIELD_BIT.get(c) ?? 0;
  return mask;
}

export function kindIndex(code: string): number {
  return KIND_INDEX.get(code) ?? KIND_INDEX.get('OTHER')!;
}

/** JSIC division letters A–T as bits; 0 means every industry. */
export function industryMask(letters: readonly string[]): number {
  let mask = 0;
  for (const l of letters) {
    const bit = l.charCodeAt(0) - 65;
    if (l.length === 1 && bit >= 0 && bit < 26) mask |= 1 << bit;
  }
  return mask;
}

// Fields of a programme, each with its weight in scoring (title > summary > tags = body). Tags are
// the labels a programme is filed under (支援分野, 種別, 利用目的, 対象地域): words the agency chose.
export const FIELDS = ['title', 'summary', 'tags', 'body'] as const;
export const FIELD_WEIGHTS = [3, 1.5, 1, 1] as const;
const TAGS = 2;

/** Packed term frequencies (2 bits per field, saturating at 3) → weighted frequency. */
export const WEIGHTED_TF = (() => {
  const table = new Float64Array(256);
  for (let w = 0; w < 256; w++) {
    let sum = 0;
    for (let f = 0; f < FIELDS.length; f++) sum += ((w >> (2 * f)) & 3) * FIELD_WEIGHTS[f];
    table[w] = sum;
  }
  return table;
})();

const EMPTY_KEY = -0x80000000;

/** An open-addressing hash table from int32 keys to term numbers, faster than Map for bigrams. */
export class IntTable {
  keys: Int32Array;
  values: Int32Array;
  size = 0;
  private mask: number;

  constructor(capacity = 1024) {
    this.keys = new Int32Array(capacity).fill(EMPTY_KEY);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** A table over the arrays of another (e.g. one built on another thread). */
  static of(keys: Int32Array, values: Int32Array, size: number): IntTable {
    const table = new IntTable(1);
    table.keys = keys;
    table.values = values;
    table.mask = keys.length - 1;
    table.size = size;
    return table;
  }

  private slot(key: number): number {
    return (Math.imul(key, 0x9e3779b1) >>> 0) & this.mask;
  }

  get(key: number): number {
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === key) return this.values[i];
      if (k === EMPTY_KEY) return -1;
    }
  }

  /** The key's number, giving it `next` when it has none yet. */
  getOrAdd(key: number, next: number): number {
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === key) return this.values[i];
      if (k === EMPTY_KEY) {
        this.keys[i] = key;
        this.values[i] = next;
        if (++this.size * 2 > this.keys.length) this.grow();
        return next;
      }
    }
  }

  /** Calls `fn` with every key and its number. */
  forEach(fn: (key: number, value: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== EMPTY_KEY) fn(this.keys[i], this.values[i]);
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Int32Array(keys.length * 2).fill(EMPTY_KEY);
    this.values = new Int32Array(keys.length * 2);
    this.mask = keys.length * 2 - 1;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === EMPTY_KEY) continue;
      let j = this.slot(keys[i]);
      while (this.keys[j] !== EMPTY_KEY) j = (j + 1) & this.mask;
      this.keys[j] = keys[i];
      this.values[j] = values[i];
    }
  }
}

/** A segment's term numbers: bigram and unigram keys in a hash table, Latin words and synthetic tokens in a map. */
export interface TermTable {
  readonly ints: IntTable;
  readonly words: ReadonlyMap<string, number>;
}

export interface Segment {
  /** The first (lowest) of its sources. */
  readonly sourceId: string;
  /** Its sources in order (one for a source's own segment, several for a merged one). */
  readonly sourceIds: readonly string[];
  readonly size: number;
  /** Sorted ascending. */
  readonly ids: readonly string[];
  /** Dictionary numbers (providers). */
  readonly providerOf: Uint32Array;
  readonly kind: Uint8Array;
  readonly fields: Uint16Array;
  readonly industries: Uint32Array;
  /** Employee ceiling, -1 when there is none. */
  readonly ceiling: Int32Array;
  /** Dictionary numbers (periods). */
  readonly periodOf: Uint32Array;
  /** Per programme, [start[d], start[d+1]) of dictionary numbers (purposes, areas, prefectures). */
  readonly purposeStart: Uint32Array;
  readonly purposeOf: Uint32Array;
  readonly areaStart: Uint32Array;
  readonly areaOf: Uint32Array;
  /** Prefectures of a programme's areas; 000000 for nationwide or unrestricted ones. */
  readonly prefectureStart: Uint32Array;
  readonly prefectureOf: Uint32Array;
  /** Facet group of each programme (Dictionaries.facetGroup). */
  readonly facetGroupOf: Uint32Array;
  /** Field-weighted token count of each programme, for length normalization. */
  readonly length: Float32Array;
  readonly totalLength: number;
  readonly termStart: Uint32Array;
  readonly postDoc: Uint16Array | Uint32Array;
  readonly postWeight: Uint8Array;
  readonly termCount: number;
  readonly terms: TermTable;
  /** Bytes held in typed arrays (postings, attributes, the bigram table). */
  readonly bytes: number;
  /** Words of titles and summaries (kanji and katakana runs) by how many programmes use them, for suggestions. */
  readonly words: ReadonlyMap<string, number>;
  /** Term number of a token in this segment, or -1. */
  term(token: Token): number;
  /** Documents of this segment containing the token. */
  frequency(token: Token): number;
}

/** Lists of numbers per programme, stored flat. */
class Lists {
  private readonly start: number[] = [0];
  private readonly items: number[] = [];

  add(items: Iterable<number>): void {
    for (const i of items) this.items.push(i);
    this.start.push(this.items.length);
  }

  build(): { start: Uint32Array; of: Uint32Array } {
    return { start: Uint32Array.from(this.start), of: Uint32Array.from(this.items) };
  }
}

function tagsOf(p: IndexableProgram): string {
  const labels: string[] = [];
  for (const f of p.supportFields) labels.push(SUPPORT_FIELDS[f]?.label ?? f);
  labels.push(PROGRAM_KINDS[p.kind]?.label ?? p.kind);
  labels.push(...p.purposes);
  if (p.areaText) labels.push(p.areaText);
  return labels.join('\n');
}

function grownU32(a: Uint32Array<ArrayBuffer>, length: number): Uint32Array<ArrayBuffer> {
  const next = new Uint32Array(Math.max(length, a.length * 2));
  next.set(a);
  return next;
}

function grownU8(a: Uint8Array<ArrayBuffer>, length: number): Uint8Array<ArrayBuffer> {
  const next = new Uint8Array(Math.max(length, a.length * 2));
  next.set(a);
  return next;
}

const tokens = new TokenBuffer();

export function buildSegment(
  sourceId: string,
  records: readonly IndexableProgram[],
  dictionaries: Dictionaries,
): Segment {
  const docs = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const size = docs.length;
  const ids = docs.map((d) => d.id);
  const providerOf = new Uint32Array(size);
  const kind = new Uint8Array(size);
  const fields = new Uint16Array(size);
  const industries = new Uint32Array(size);
  const ceiling = new Int32Array(size);
  const periodOf = new Uint32Array(size);
  const purposes = new Lists();
  const areas = new Lists();
  const prefectures = new Lists();
  const length = new Float32Array(size);
  const facetGroupOf = new Uint32Array(size);

  const ints = new IntTable();
  const words = new Map<string, number>();
  let termCount = 0;
  let docWeight = new Uint8Array(4096);
  let df = new Uint32Array(4096);
  const touched: number[] = [];
  let pairTerm = new Uint32Array(size * 64 + 1024);
  let pairWeight = new Uint8Array(size * 64 + 1024);
  let pairs = 0;
  const docPairStart = new Uint32Array(size + 1);
  let totalLength = 0;

  const vocabulary = new Map<string, number>();
  const synthetic = (token: string, shift: number) => {
    if (termCount + 1 > docWeight.length) {
      docWeight = grownU8(docWeight, termCount + 1);
      df = grownU32(df, termCount + 1);
    }
    let tid = words.get(token);
    if (tid === undefined) {
      tid = termCount++;
      words.set(token, tid);
    }
    count(tid, shift);
  };
  const count = (tid: number, shift: number) => {
    const w = docWeight[tid];
    if (w === 0) touched.push(tid);
    if (((w >> shift) & 3) < 3) docWeight[tid] = w + (1 << shift);
  };

  for (let d = 0; d < size; d++) {
    const p = docs[d];
    providerOf[d] = dictionaries.providers.id(p.providerId);
    kind[d] = kindIndex(p.kind);
    fields[d] = supportFieldMask(p.supportFields);
    industries[d] = industryMask(p.industries);
    ceiling[d] = p.employeeCeiling ?? -1;
    periodOf[d] = dictionaries.period(p.opensOn, p.closesOn, p.publishedStatus);
    const purposeIds = p.purposes.map((v) => dictionaries.purposes.id(v));
    purposes.add(purposeIds);
    const areaIds = p.areaCodes.map((c) => dictionaries.area(c));
    areas.add(areaIds);
    const prefectureIds = areaIds.length
      ? [...new Set(areaIds.map((a) => dictionaries.areaPrefecture[a]))]
      : [dictionaries.prefectures.id(NATIONWIDE)];
    prefectures.add(prefectureIds);
    facetGroupOf[d] = dictionaries.facetGroup(fields[d], kind[d], purposeIds, prefectureIds);

    collectWords(`${p.title}\n${p.summary ?? ''}`, vocabulary);
    const texts = [
      p.titleKana ? `${p.title}\n${p.titleKana}` : p.title,
      p.summary ?? '',
      tagsOf(p),
      p.eligibilityText ? `${p.body ?? ''}\n${p.eligibilityText}` : (p.body ?? ''),
    ];
    let dl = 0;
    for (let f = 0; f < FIELDS.length; f++) {
      tokens.reset();
      tokens.addText(texts[f]);
      const shift = 2 * f;
      if (termCount + tokens.count + tokens.words.length > docWeight.length) {
        const capacity = Math.max(docWeight.length * 2, termCount + tokens.count + tokens.words.length);
        docWeight = grownU8(docWeight, capacity);
        df = grownU32(df, capacity);
      }
      for (let t = 0; t < tokens.count; t++) {
        const tid = ints.getOrAdd(tokens.keys[t], termCount);
        if (tid === termCount) termCount++;
        count(tid, shift);
      }
      for (const word of tokens.words) {
        let tid = words.get(word);
        if (tid === undefined) {
          tid = termCount++;
          words.set(word, tid);
        }
        count(tid, shift);
      }
      dl += (tokens.count + tokens.words.length) * FIELD_WEIGHTS[f];
      if (f === TAGS) {
        // Not counted in the length: they are no text, and searches without them score as before.
        for (const code of p.supportFields) synthetic(fieldToken(code), shift);
        synthetic(kindToken(p.kind), shift);
      }
    }
    if (pairs + touched.length > pairTerm.length) {
      pairTerm = grownU32(pairTerm, pairs + touched.length);
      pairWeight = grownU8(pairWeight, pairs + touched.length);
    }
    for (const tid of touched) {
      pairTerm[pairs] = tid;
      pairWeight[pairs++] = docWeight[tid];
      df[tid] += 1;
      docWeight[tid] = 0;
    }
    touched.length = 0;
    docPairStart[d + 1] = pairs;
    length[d] = dl;
    totalLength += dl;
  }

  // Postings by term, documents ascending: a counting sort of the (term, document) pairs.
  const termStart = new Uint32Array(termCount + 1);
  for (let t = 0; t < termCount; t++) termStart[t + 1] = termStart[t] + df[t];
  const postDoc = size <= 0x10000 ? new Uint16Array(pairs) : new Uint32Array(pairs);
  const postWeight = new Uint8Array(pairs);
  const cursor = termStart.slice(0, termCount);
  for (let d = 0; d < size; d++) {
    for (let i = docPairStart[d]; i < docPairStart[d + 1]; i++) {
      const at = cursor[pairTerm[i]]++;
      postDoc[at] = d;
      postWeight[at] = pairWeight[i];
    }
  }

  const purposeLists = purposes.build();
  const areaLists = areas.build();
  const prefectureLists = prefectures.build();
  return assembleSegment({
    sourceIds: [sourceId],
    size,
    ids,
    words: vocabulary,
    providerOf,
    kind,
    fields,
    industries,
    ceiling,
    periodOf,
    facetGroupOf,
    purposeStart: purposeLists.start,
    purposeOf: purposeLists.of,
    areaStart: areaLists.start,
    areaOf: areaLists.of,
    prefectureStart: prefectureLists.start,
    prefectureOf: prefectureLists.of,
    length,
    totalLength,
    termStart,
    postDoc,
    postWeight,
    termCount,
    terms: { ints, words },
  });
}

/** A segment's arrays and tables; `assembleSegment` adds the lookups and size figures. */
export type SegmentData = Omit<Segment, 'sourceId' | 'bytes' | 'term' | 'frequency'>;

export function assembleSegment(data: SegmentData): Segment {
  const { ints, words } = data.terms;
  const { termStart } = data;
  const term = (token: Token): number => (typeof token === 'number' ? ints.get(token) : (words.get(token) ?? -1));
  const arrays = [
    data.providerOf,
    data.kind,
    data.fields,
    data.industries,
    data.ceiling,
    data.periodOf,
    data.facetGroupOf,
    data.length,
    data.termStart,
    data.postDoc,
    data.postWeight,
    data.purposeStart,
    data.purposeOf,
    data.areaStart,
    data.areaOf,
    data.prefectureStart,
    data.prefectureOf,
    ints.keys,
    ints.values,
  ];
  return {
    ...data,
    sourceId: data.sourceIds[0],
    bytes: arrays.reduce((sum, a) => sum + a.byteLength, 0),
    term,
    frequency(token: Token): number {
      const t = term(token);
      return t < 0 ? 0 : termStart[t + 1] - termStart[t];
    },
  };
}
