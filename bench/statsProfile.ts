/**
 * Where a big statistics table's time goes, thread by thread: `npx tsx bench/statsProfile.ts` on
 * a loaded PGlite store (BENCH_DATA_DIR, as `npm run bench:stats` keeps it) starts the embedded
 * system, asks month × municipality × industry as cells (BENCH_PROFILE_FORM=columns for columns)
 * BENCH_PROFILE_RUNS times (default 30) as an analyst, and profiles every thread meanwhile through
 * the inspector (the gateway's, the store's, each subgraph's: `node --cpu-prof` writes a worker's
 * profile only when it ends by itself). Prints each busy thread's stages (./profile.ts) per request
 * and keeps the profiles in BENCH_PROFILE_DIR (default a temp folder).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { fetch } from 'undici';
import { startEmbedded } from '../app/embedded';
import { signDevelopmentToken } from '../gateway/auth';
import { stagesOf, stageTable } from './profile';
import { percentile, runBench } from './report';
import { settled } from './statsBaseline';
import { loadAverage } from './stacks';

const RUNS = Number(process.env.BENCH_PROFILE_RUNS ?? 30);
const FORM = process.env.BENCH_PROFILE_FORM === 'columns' ? 'columns' : 'cells';
const SELECTION = {
  cells: 'cells { keys { value } count suppressed }',
  columns: 'columns { keys { values codes } counts suppressed }',
}[FORM];

type Post = (method: string, params?: object) => Promise<{ profile?: unknown }>;

/** Profiles this thread and every worker over `run`; writes one .cpuprofile per thread into `dir`. */
async function profileThreads(dir: string, run: () => Promise<void>): Promise<string[]> {
  const session = new Session();
  session.connect();
  const post: Post = (method, params = {}) =>
    new Promise((ok, fail) => session.post(method, params, (e, r) => (e ? fail(e) : ok(r as { profile?: unknown }))));
  const workers: string[] = [];
  const waiting = new Map<number, (r: { profile?: unknown }) => void>();
  let next = 1;
  session.on('NodeWorker.attachedToWorker', (m) => workers.push((m.params as { sessionId: string }).sessionId));
  session.on('NodeWorker.receivedMessageFromWorker', (m) => {
    const message = JSON.parse((m.params as { message: string }).message) as { id?: number; result?: object };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result ?? {});
  });
  const inWorker: (sessionId: string) => Post =
    (sessionId) =>
    (method, params = {}) =>
      new Promise((ok) => {
        const id = next++;
        waiting.set(id, ok);
        void post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) });
      });
  await post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  await new Promise((r) => setTimeout(r, 200));
  const threads: Array<[string, Post]> = [
    ['main', post],
    ...workers.map((w, i): [string, Post] => [`worker-${i + 1}`, inWorker(w)]),
  ];
  for (const [, p] of threads) {
    await p('Profiler.enable');
    await p('Profiler.setSamplingInterval', { interval: 500 });
    await p('Profiler.start');
  }
  await run();
  const files: string[] = [];
  for (const [name, p] of threads) {
    const { profile } = await p('Profiler.stop');
    const file = join(dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    files.push(file);
  }
  session.disconnect();
  return files;
}

/** A thread's name from what ran on it. */
function threadName(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('main.cpuprofile')) return 'gateway (main)';
  if (text.includes('subgraphs/consultations/')) return 'consultations subgraph';
  if (text.includes('store/columnar/')) return 'store';
  return file.split('/').pop()!.replace('.cpuprofile', '');
}

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_DATA_DIR;
  if (!dataDir) throw new Error('BENCH_DATA_DIR: a loaded PGlite store (npm run bench:stats keeps one there)');
  const dir = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'madoguchi-stats-profile-'));
  mkdirSync(dir, { recursive: true });
  const secret = new TextEncoder().encode('bench-secret-bench-secret-bench-secret');
  const logger = pino({ level: 'silent' });
  const app = await startEmbedded({ port: 0, host: '127.0.0.1', sync: 'never', logger, auth: { secret }, dataDir });
  try {
    const token = await signDevelopmentToken({ role: 'analyst', sub: 'bench-profile' }, secret);
    const body = JSON.stringify({
      query: `query($groupBy: [StatsDimension!]!) { consultationStats(groupBy: $groupBy) { total suppressedCells ${SELECTION} } }`,
      variables: { groupBy: ['MONTH', 'MUNICIPALITY', 'INDUSTRY'] },
    });
    const ask = async () => {
      const res = await fetch(app.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      const text = await res.text();
      if (text.includes('"errors"')) throw new Error(text.slice(0, 300));
      return text;
    };
    const bytes = (await settled(ask)).length;
    for (let i = 0; i < 3; i++) await ask();
    const before = loadAverage();
    const ms: number[] = [];
    const files = await profileThreads(dir, async () => {
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await ask();
        ms.push(performance.now() - t);
      }
    });
    // The threads that worked for the requests (not tsx's loader, nor idle subgraphs).
    const busy = files.filter((f) => {
      const stages = stagesOf(f);
      return Object.entries(stages).reduce((n, [stage, v]) => (stage === 'idle' ? n : n + v), 0) > 2 * RUNS;
    });
    console.log(
      `\nmonth × municipality × industry as ${FORM} (${bytes.toLocaleString()} bytes), ${RUNS} requests: p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms; load average ${before} before, ${loadAverage()} after; profiles in ${dir}\n`,
    );
    console.log(stageTable(busy.map((file) => ({ label: threadName(file), file, requests: RUNS }))));
  } finally {
    await app.close();
  }
}

runBench(main);
