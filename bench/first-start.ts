/**
 * `npm run bench:start`: the first start as a user meets it. Each run launches `npm start` on an
 * empty data directory (under the OS temp dir, so `.data/` is left alone) and asks the gateway
 * `{ organizations { name consultationCount programs { title } } }` every 250 ms, noting when the
 * directory first answers (every organization and programme) and when every agency with a
 * consultation log has its count; and, as the one-stop page's first visitor does, a search
 * (`search(text: "補助金")` with its facets), noting when it first answers from every programme
 * (its total equal to the one the same search gives once the start is over). The peer, measured in the same run and in turn with it, is the
 * same start with every file parsed on the main thread (MADOGUCHI_SYNC_WORKERS=0).
 *
 * BENCH_START_RUNS sets the runs per mode (default 3); BENCH_START_BASELINE names another installed
 * checkout (an earlier commit) whose `npm start` is measured in turn with these, as a before and
 * after. Process CPU is read from /proc on Linux.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { loadAgencyConfigs } from '../adapters/core/config';
import { freePort, markdownTable, percentile } from './report';

const ROOT = resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_START_RUNS ?? 3);
const TIMEOUT_MS = 120_000;
const QUERY = JSON.stringify({ query: '{ organizations { name consultationCount programs { title } } }' });
const SEARCH = JSON.stringify({
  query:
    '{ search(text: "補助金", first: 20) { totalCount edges { node { id title providerName } } facets { kinds { value count } } } }',
});

interface Mode {
  name: string;
  env: Record<string, string>;
  /** Where `npm start` runs (default this checkout). */
  cwd?: string;
}
const MODES: Mode[] = [
  { name: 'worker thread (default)', env: {} },
  { name: 'in place (MADOGUCHI_SYNC_WORKERS=0)', env: { MADOGUCHI_SYNC_WORKERS: '0' } },
];
// Another checkout (an earlier commit, installed) started in turn with this one: before and after.
const BASELINE = process.env.BENCH_START_BASELINE;
if (BASELINE) MODES.push({ name: `baseline checkout (${basename(BASELINE)})`, env: {}, cwd: resolve(BASELINE) });

interface Run {
  directoryS: number;
  /** When the firm's search first answered, and the total it gave then (checked against the final total). */
  searchS: number;
  allS: number;
  cpuS: number | null;
  organizations: number;
  programmes: number;
}

// The agencies whose consultation logs the first start syncs: each must end with a count.
const agencies = loadAgencyConfigs(join(ROOT, 'agencies'), {
  ...process.env,
  MADOGUCHI_DEMO_URL: 'http://127.0.0.1:1',
});
const withLogs = agencies.filter((a) => a.sources.some((s) => s.entity === 'consultation')).length;

/** CPU seconds (user + system) of a process and its descendants still running, from /proc. */
function processTreeCpu(root: number): number | null {
  try {
    const children = new Map<number, number[]>();
    const cpu = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const pid = Number(entry);
        const ppid = Number(fields[1]);
        cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
        children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      } catch {
        // The process ended while being read.
      }
    }
    let total = 0;
    const stack = [root];
    while (stack.length) {
      const pid = stack.pop()!;
      total += cpu.get(pid) ?? 0;
      stack.push(...(children.get(pid) ?? []));
    }
    return total;
  } catch {
    return null;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
  // npm exits first; the node process under it drains and closes its store a moment later: its
  // data directory is removed only once the whole group is gone.
  for (let i = 0; i < 300; i++) {
    try {
      process.kill(-child.pid!, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function firstStart(mode: Mode, port: number): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-first-start-'));
  const started = performance.now();
  // Its own process group, so stopping it stops npm and the node process under it together.
  const child = spawn('npm', ['start', '--silent'], {
    cwd: mode.cwd ?? ROOT,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ...mode.env, PORT: String(port), MADOGUCHI_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  let directoryS: number | null = null;
  let search: { at: number; total: number } | null = null;
  const ask = async <T>(body: string): Promise<T | null> => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return ((await res.json()) as { data?: T }).data ?? null;
    } catch {
      return null; // not listening yet
    }
  };
  try {
    while (performance.now() - started < TIMEOUT_MS) {
      await new Promise((r) => setTimeout(r, 250));
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      type Organizations = { organizations: Array<{ consultationCount: number; programs: unknown[] }> };
      const [directory, found]: [Organizations | null, { search: { totalCount: number } } | null] = await Promise.all([
        ask<Organizations>(QUERY),
        search ? null : ask<{ search: { totalCount: number } }>(SEARCH),
      ]);
      if (found && !search && found.search.totalCount > 0)
        search = { at: (performance.now() - started) / 1000, total: found.search.totalCount };
      if (!directory) continue;
      const organizations = directory.organizations;
      const at = (performance.now() - started) / 1000;
      const programmes = organizations.reduce((n, o) => n + o.programs.length, 0);
      if (directoryS === null && organizations.length >= 20 && programmes >= 150) directoryS = at;
      if (directoryS !== null && search && organizations.filter((o) => o.consultationCount > 0).length >= withLogs) {
        // The first answer counted only if it searched every programme: the same search now.
        const final = await ask<{ search: { totalCount: number } }>(SEARCH);
        if (final?.search.totalCount !== search.total)
          throw new Error(
            `the first search found ${search.total} programmes, the same search later ${final?.search.totalCount}`,
          );
        return {
          directoryS,
          searchS: search.at,
          allS: at,
          cpuS: processTreeCpu(child.pid!),
          organizations: organizations.length,
          programmes,
        };
      }
    }
    throw new Error(`no complete answer within ${TIMEOUT_MS / 1000} s`);
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

async function main() {
  console.log(`First start, ${RUNS} run(s) per mode, taken in turn; ${withLogs} agencies with consultation logs.\n`);
  const runs = new Map<string, Run[]>(MODES.map((m) => [m.name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const mode of MODES) {
      const run = await firstStart(mode, await freePort());
      runs.get(mode.name)!.push(run);
      console.log(
        `  ${mode.name}: directory ${run.directoryS.toFixed(1)} s, search ${run.searchS.toFixed(1)} s, all counts ${run.allS.toFixed(1)} s, CPU ${run.cpuS?.toFixed(1) ?? 'n/a'} s`,
      );
    }
  }
  const median = (xs: number[]) => percentile(xs, 50);
  const peer = median(runs.get(MODES[1].name)!.map((r) => r.allS));
  const fmt = (x: number) => x.toFixed(1);
  const rows = MODES.map((m) => {
    const rs = runs.get(m.name)!;
    const cpu = rs.map((r) => r.cpuS).filter((c): c is number => c !== null);
    const all = median(rs.map((r) => r.allS));
    return [
      m.name,
      `${rs[0].organizations} / ${rs[0].programmes}`,
      `${fmt(median(rs.map((r) => r.directoryS)))} (${fmt(Math.min(...rs.map((r) => r.directoryS)))}–${fmt(Math.max(...rs.map((r) => r.directoryS)))})`,
      `${fmt(median(rs.map((r) => r.searchS)))} (${fmt(Math.min(...rs.map((r) => r.searchS)))}–${fmt(Math.max(...rs.map((r) => r.searchS)))})`,
      `${fmt(all)} (${fmt(Math.min(...rs.map((r) => r.allS)))}–${fmt(Math.max(...rs.map((r) => r.allS)))})`,
      cpu.length ? fmt(median(cpu)) : 'n/a',
      (all / peer).toFixed(2),
    ];
  });
  console.log(
    `\n${markdownTable(['mode', 'organizations / programmes', 'first answer: directory s (median, range)', 'first search s', 'all counts s (median, range)', 'CPU s', 'all counts ÷ in place'], rows)}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
