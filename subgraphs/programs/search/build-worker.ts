/**
 * The worker thread behind `startSegmentBuilder` (background.ts): builds one source's segment per
 * message, into dictionaries of its own that the caller mirrors from the entries each answer
 * carries, and transfers the segment's arrays back.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { packSegment } from './background';
import { Dictionaries } from './dictionaries';
import { buildSegment, type IndexableProgram } from './segment';

// Building is background work: on Linux a thread's nice value is its own, so this thread gives
// way to the one answering searches whenever both want a core.
if (process.platform === 'linux') {
  try {
    setPriority(0, 10);
  } catch {
    // Not permitted here: the worker runs at normal priority.
  }
}

const dictionaries = new Dictionaries();

parentPort!.on('message', ({ sourceId, records }: { sourceId: string; records: IndexableProgram[] }) => {
  try {
    const mark = dictionaries.sizes();
    const segment = buildSegment(sourceId, records, dictionaries);
    const { message, transfer } = packSegment(segment, dictionaries.since(mark));
    parentPort!.postMessage(message, transfer);
  } catch (e) {
    parentPort!.postMessage({ error: String((e as Error)?.message ?? e) });
  }
});
