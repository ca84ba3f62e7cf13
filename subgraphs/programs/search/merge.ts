/**
 * Merged segments: the per-source segments of an index laid end to end as a few large ones. A
 * sync rebuilds one source's segment, so the index keeps one per source; but a query reading two
 * hundred small segments pays, for every word and segment, a jump to another place in memory —
 * at 100,000 programmes in 200 sources a third of its time. A merged segment holds each word's
 * postings of many sources in one run. Merging only concatenates: documents keep the order they
 * had (sources in order, programmes by id), each word's postings ascend, and a document's
 * frequencies, lengths and attributes are copied as they were, so every score, tie and facet
 * count is the same as over the separate segments.
 */
import { assembleSegment, IntTable, type Segment, type SegmentData } from './segment';

/**
 * The most documents in a merged segment: document numbers stay 16-bit, and the scratch buffers
 * a query sizes to the largest segment stay small.
 */
export const MERGED_SEGMENT_DOCS = 0x10000;

/** Consecutive runs of segments (in their order), each of at most MERGED_SEGMENT_DOCS documents. */
export function mergeGroups(segments: readonly Segment[]): Segment[][] {
  const groups: Segment[][] = [];
  let current: Segment[] = [];
  let size = 0;
  for (const s of segments) {
    if (current.length && size + s.size > MERGED_SEGMENT_DOCS) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(s);
    size += s.size;
  }
  if (current.length) groups.push(current);
  return groups;
}

type Column = 'providerOf' | 'kind' | 'fields' | 'industries' | 'ceiling' | 'periodOf' | 'facetGroupOf' | 'length';
type List = 'purposeStart' | 'purposeOf' | 'areaStart' | 'areaOf' | 'prefectureStart' | 'prefectureOf';

/** A per-document column (or list items) of every part, end to end, in an array of the same type. */
function column<K extends Column | List>(parts: readonly Segment[], key: K): Segment[K] {
  const arrays = parts.map((s) => s[key]);
  const out = new (arrays[0].constructor as new (n: number) => Segment[K])(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a as never, at);
    at += a.length;
  }
  return out;
}

/** Per-document lists (start offsets and items) end to end, the offsets shifted. */
function lists(parts: readonly Segment[], startKey: List, itemsKey: List): { start: Uint32Array; of: Uint32Array } {
  const size = parts.reduce((n, s) => n + s.size, 0);
  const start = new Uint32Array(size + 1);
  let d = 0;
  let shift = 0;
  for (const s of parts) {
    const own = s[startKey];
    for (let i = 0; i < s.size; i++) start[d++] = own[i] + shift;
    shift += own[s.size];
  }
  start[size] = shift;
  return { start, of: column(parts, itemsKey) };
}

/**
 * One segment holding the documents of `parts` (segments in source order) in that order. Yields
 * between the parts' terms and postings, so that a caller can let other work run (see
 * `mergeSegments` for the synchronous form).
 */
export function* mergeSteps(parts: readonly Segment[]): Generator<void, Segment> {
  const size = parts.reduce((n, s) => n + s.size, 0);
  // Terms: each part's term numbers mapped to the merged segment's, their document counts summed.
  const ints = new IntTable();
  const words = new Map<string, number>();
  let termCount = 0;
  let df = new Uint32Array(1024);
  const localToMerged: Int32Array[] = [];
  for (const s of parts) {
    const map = new Int32Array(s.termCount);
    const at = (local: number, merged: number) => {
      map[local] = merged;
      if (merged >= df.length) {
        const grown = new Uint32Array(df.length * 2);
        grown.set(df);
        df = grown;
      }
      df[merged] += s.termStart[local + 1] - s.termStart[local];
    };
    s.terms.ints.forEach((key, local) => {
      const merged = ints.getOrAdd(key, termCount);
      if (merged === termCount) termCount++;
      at(local, merged);
    });
    for (const [word, local] of s.terms.words) {
      let merged = words.get(word);
      if (merged === undefined) {
        merged = termCount++;
        words.set(word, merged);
      }
      at(local, merged);
    }
    localToMerged.push(map);
    yield;
  }
  const termStart = new Uint32Array(termCount + 1);
  for (let t = 0; t < termCount; t++) termStart[t + 1] = termStart[t] + df[t];
  const total = termStart[termCount];
  const postDoc = size <= 0x10000 ? new Uint16Array(total) : new Uint32Array(total);
  const postWeight = new Uint8Array(total);
  // Postings: each part's runs appended to its terms' runs, documents shifted past the parts before.
  const cursor = termStart.slice(0, termCount);
  let base = 0;
  for (let k = 0; k < parts.length; k++) {
    const s = parts[k];
    const map = localToMerged[k];
    const own = s.termStart;
    for (let t = 0; t < s.termCount; t++) {
      const from = own[t];
      const to = own[t + 1];
      let at = cursor[map[t]];
      if (base === 0) {
        postDoc.set(s.postDoc.subarray(from, to), at);
      } else {
        for (let p = from; p < to; p++) postDoc[at + p - from] = s.postDoc[p] + base;
      }
      postWeight.set(s.postWeight.subarray(from, to), at);
      at += to - from;
      cursor[map[t]] = at;
    }
    base += s.size;
    yield;
  }

  const counts = new Map<string, number>();
  for (const s of parts) for (const [w, n] of s.words) counts.set(w, (counts.get(w) ?? 0) + n);
  const purposes = lists(parts, 'purposeStart', 'purposeOf');
  const areas = lists(parts, 'areaStart', 'areaOf');
  const prefectures = lists(parts, 'prefectureStart', 'prefectureOf');
  const data: SegmentData = {
    sourceIds: parts.flatMap((s) => s.sourceIds),
    size,
    ids: parts.flatMap((s) => s.ids),
    words: counts,
    providerOf: column(parts, 'providerOf'),
    kind: column(parts, 'kind'),
    fields: column(parts, 'fields'),
    industries: column(parts, 'industries'),
    ceiling: column(parts, 'ceiling'),
    periodOf: column(parts, 'periodOf'),
    facetGroupOf: column(parts, 'facetGroupOf'),
    purposeStart: purposes.start,
    purposeOf: purposes.of,
    areaStart: areas.start,
    areaOf: areas.of,
    prefectureStart: prefectures.start,
    prefectureOf: prefectures.of,
    length: column(parts, 'length'),
    // Summed in the same order as an index over the parts sums them.
    totalLength: parts.reduce((sum, s) => sum + s.totalLength, 0),
    termStart,
    postDoc,
    postWeight,
    termCount,
    terms: { ints, words },
  };
  return assembleSegment(data);
}

/** `mergeSteps` run to the end at once. */
export function mergeSegments(parts: readonly Segment[]): Segment {
  const steps = mergeSteps(parts);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
