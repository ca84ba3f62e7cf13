/**
 * Composes the supergraph from the built-in subgraphs and the live sources, on a thread of its
 * own: one Apollo composition takes about half a second of CPU, which must not stall the gateway's
 * answers while an agency's schema changes.
 *
 * `composeWithLive` keeps every source it can: each live SDL is first checked against the
 * built-ins (./ownership), then all are composed together; when that fails, the sources are added
 * one by one in their declared order and each that breaks composition is left out with its errors,
 * so one agency's mistake never takes another's fields, nor the built-in graph, down with it.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import { parse } from 'graphql';
import { builtinTypesOf, ownershipProblems } from './ownership';

/** A subgraph as composition needs it: plain data, it crosses a thread boundary. */
export interface SubgraphDefinition {
  name: string;
  url: string;
  sdl: string;
}

export interface LiveCandidate extends SubgraphDefinition {
  /** How errors name it: agency and source. */
  label: string;
}

export interface CompositionResult {
  supergraphSdl?: string;
  errors?: string[];
  hints: string[];
}

export interface LiveComposition {
  supergraphSdl: string;
  hints: string[];
  /** Live subgraph names composed. */
  accepted: string[];
  /** Live subgraph names left out, with why. */
  refused: Map<string, string[]>;
}

type Compose = (subgraphs: SubgraphDefinition[]) => Promise<CompositionResult>;

/** Composition in this thread (the worker, and tools that compose once). */
export function composeHere(subgraphs: SubgraphDefinition[]): CompositionResult {
  // Loaded on first use: only threads that compose pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { composeServices } = require('@apollo/composition') as typeof import('@apollo/composition');
  let typeDefs: Array<{ name: string; url: string; typeDefs: ReturnType<typeof parse> }>;
  try {
    typeDefs = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  } catch (e) {
    return { errors: [`its SDL does not parse: ${(e as Error).message}`], hints: [] };
  }
  const result = composeServices(typeDefs);
  if (result.errors) return { errors: result.errors.map((e) => e.message), hints: [] };
  return {
    supergraphSdl: result.supergraphSdl,
    hints: (result.hints ?? []).map((h) => `${h.definition.code}: ${h.message}`),
  };
}

export interface ComposerLimits {
  /** Time one composition may take before the thread is stopped (default 60 s). */
  timeoutMs?: number;
  /** Heap the composition thread may use, in MB (default 1,024). */
  maxHeapMb?: number;
}

/**
 * A composition thread, started on first use and kept. A composition that outlives its time or
 * its heap stops the thread and answers as a composition error (the sources it was given are then
 * tried one by one, and the one that causes it is left out); the next composition starts a new
 * thread.
 */
export function createComposer(limits: ComposerLimits = {}): { compose: Compose; close(): Promise<void> } {
  const timeoutMs = limits.timeoutMs ?? 60_000;
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: CompositionResult) => void; timer: NodeJS.Timeout }>();
  const settle = (id: number, result: CompositionResult) => {
    const p = pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(id);
    p.resolve(result);
  };
  const failAll = (w: Worker, reason: string) => {
    if (worker === w) worker = undefined;
    for (const id of [...pending.keys()]) settle(id, { errors: [reason], hints: [] });
  };
  const start = (): Worker => {
    const entry = JSON.stringify(join(__dirname, 'composer.ts'));
    const tsx = JSON.stringify(require.resolve('tsx/cjs/api'));
    const w = new Worker(`require(${tsx}).register(); require(${entry});`, {
      eval: true,
      execArgv: [],
      workerData: { madoguchiComposer: true },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb ?? 1_024 },
    });
    w.unref();
    w.on('message', (m: { id: number; result: CompositionResult }) => settle(m.id, m.result));
    w.on('error', (e) => failAll(w, `the composition stopped: ${e.message}`));
    w.on('exit', (code) => failAll(w, `the composition thread exited (code ${code})`));
    return w;
  };
  return {
    compose: (subgraphs) =>
      new Promise<CompositionResult>((resolve) => {
        const w = (worker ??= start());
        const id = nextId++;
        const timer = setTimeout(() => {
          // Stopping the thread is the only way to stop a composition; the others waiting on it
          // are answered with the same reason.
          failAll(w, `the composition took longer than ${timeoutMs} ms and was stopped`);
          void w.terminate();
        }, timeoutMs);
        timer.unref();
        pending.set(id, { resolve, timer });
        w.postMessage({ id, subgraphs });
      }),
    close: async () => {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}

/** The composition's error messages, each naming the live source it is about. */
function labelled(label: string, errors: string[]): string[] {
  return errors.map((e) => `${label}: ${e}`);
}

export async function composeWithLive(
  builtins: SubgraphDefinition[],
  live: LiveCandidate[],
  compose: Compose,
): Promise<LiveComposition> {
  const builtinTypes = builtinTypesOf(builtins.map((b) => ({ name: b.name, typeDefs: parse(b.sdl) })));
  const refused = new Map<string, string[]>();
  const checked: LiveCandidate[] = [];
  for (const c of live) {
    let problems: string[];
    try {
      problems = ownershipProblems(c.label, parse(c.sdl), builtinTypes);
    } catch (e) {
      problems = [`${c.label}: its SDL does not parse: ${(e as Error).message}`];
    }
    if (problems.length > 0) refused.set(c.name, problems);
    else checked.push(c);
  }
  const all = await compose([...builtins, ...checked]);
  if (all.supergraphSdl)
    return { supergraphSdl: all.supergraphSdl, hints: all.hints, accepted: checked.map((c) => c.name), refused };
  // Something does not compose: add the sources one at a time, keeping those that fit.
  const accepted: LiveCandidate[] = [];
  let last: CompositionResult | undefined;
  for (const c of checked) {
    const attempt = await compose([...builtins, ...accepted, c]);
    if (attempt.supergraphSdl) {
      accepted.push(c);
      last = attempt;
    } else refused.set(c.name, labelled(c.label, attempt.errors ?? ['it does not compose']));
  }
  last ??= await compose(builtins);
  if (!last.supergraphSdl)
    throw new Error(`the built-in subgraphs do not compose:\n  ${(last.errors ?? []).join('\n  ')}`);
  return { supergraphSdl: last.supergraphSdl, hints: last.hints, accepted: accepted.map((c) => c.name), refused };
}

if (!isMainThread && (workerData as { madoguchiComposer?: boolean } | undefined)?.madoguchiComposer) {
  parentPort!.on('message', (m: { id: number; subgraphs: SubgraphDefinition[] }) => {
    let result: CompositionResult;
    try {
      result = composeHere(m.subgraphs);
    } catch (e) {
      result = { errors: [(e as Error).message], hints: [] };
    }
    parentPort!.postMessage({ id: m.id, result });
  });
}
