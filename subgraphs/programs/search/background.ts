/**
 * Building a large index on a worker thread (build-worker.ts), so that the thread answering
 * searches is never the one tokenizing 100,000 programmes. The caller reads each source's rows
 * and hands them over; the worker builds that source's segment and hands it back with the
 * dictionary entries it numbered meanwhile; the segment's arrays move between the threads
 * without a copy (transferred), and the caller's dictionaries are extended in the same order, so
 * the numbers inside the segment mean the same on both sides.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Dictionaries, DictionaryTail } from './dictionaries';
import { assembleSegment, IntTable, type IndexableProgram, type Segment, type SegmentData } from './segment';

/** A segment as a message: its data with the term table's arrays apart, and the dictionary entries numbered for it. */
export interface BuiltSegment {
  data: Omit<SegmentData, 'terms'> & { ints: { keys: Int32Array; values: Int32Array; size: number } };
  words: ReadonlyMap<string, number>;
  tail: DictionaryTail;
}

/** The message for `segment`, and the buffers to transfer with it. */
export function packSegment(
  segment: Segment,
  tail: DictionaryTail,
): { message: BuiltSegment; transfer: ArrayBuffer[] } {
  const { sourceId: _, bytes: __, term: ___, frequency: ____, terms, ...rest } = segment;
  const data = { ...rest, ints: { keys: terms.ints.keys, values: terms.ints.values, size: terms.ints.size } };
  const transfer = new Set<ArrayBuffer>();
  for (const value of [...Object.values(rest), terms.ints.keys, terms.ints.values])
    if (ArrayBuffer.isView(value)) transfer.add(value.buffer as ArrayBuffer);
  return { message: { data, words: terms.words, tail }, transfer: [...transfer] };
}

/** The segment of a message, the caller's dictionaries extended first. */
export function unpackSegment(message: BuiltSegment, dictionaries: Dictionaries): Segment {
  dictionaries.extend(message.tail);
  const { ints, ...rest } = message.data;
  return assembleSegment({
    ...rest,
    terms: { ints: IntTable.of(ints.keys, ints.values, ints.size), words: message.words },
  });
}

export interface SegmentBuilder {
  /** The segment of one source's programmes, built on the worker. */
  build(sourceId: string, records: readonly IndexableProgram[]): Promise<Segment>;
  close(): Promise<void>;
}

/**
 * A worker building segments one at a time, in the order asked, into `dictionaries` (which must
 * not be extended by anything else meanwhile).
 */
export function startSegmentBuilder(dictionaries: Dictionaries): SegmentBuilder {
  // The worker is TypeScript like the rest: a two-line bootstrap loads it through tsx's CommonJS
  // hook, whatever runs the parent (tsx, node --require tsx/cjs, jest).
  const entry = JSON.stringify(join(__dirname, 'build-worker.ts'));
  const tsx = JSON.stringify(require.resolve('tsx/cjs/api'));
  const worker = new Worker(`require(${tsx}).register(); require(${entry});`, { eval: true, execArgv: [] });
  worker.unref();
  const waiting: Array<{ resolve: (s: Segment) => void; reject: (e: Error) => void }> = [];
  let failure: Error | null = null;
  const fail = (e: Error) => {
    failure = e;
    for (const w of waiting.splice(0)) w.reject(e);
  };
  worker.on('message', (message: BuiltSegment | { error: string }) => {
    const next = waiting.shift();
    if (!next) return;
    if ('error' in message) next.reject(new Error(message.error));
    else next.resolve(unpackSegment(message, dictionaries));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the index build worker stopped (exit code ${code})`)));
  return {
    build(sourceId, records) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.postMessage({ sourceId, records });
      });
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
