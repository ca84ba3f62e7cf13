/**
 * The set-ups `bench:scale` and `bench:soak` compare, each started as a user starts it, in
 * processes of its own so the load generator (this process) shares no thread with them:
 * `npm start` on PGlite or on a PostgreSQL (DATABASE_URL), and the scaled-out set-up of the
 * README (2 replicas of each subgraph and 2 gateways, all on one PostgreSQL). Also how much memory
 * each uses, read from /proc (Linux).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fetch } from 'undici';
import { loadAgencyConfigs } from '../adapters/core/config';
import { signDevelopmentToken } from '../gateway/auth';
import { startPostgresServer, type PostgresServer } from '../test/support/postgres';
import { startChild, startSubgraphProcess, type Child } from '../test/support/processes';
import { freePort } from './report';

const ROOT = resolve(__dirname, '..');
const JWT_SECRET = 'bench-stacks-jwt-secret-bench-stacks-jwt-secret';

/** What every process of every set-up runs with: production mode, shared secrets, quiet logs. */
export const BENCH_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  MADOGUCHI_JWT_SECRET: JWT_SECRET,
  MADOGUCHI_IDENTITY_SECRET: 'bench-stacks-identity-secret-bench-stacks',
  MADOGUCHI_ACCESS_LOG: 'off',
  // Production turns the demo off; the embedded set-up serves the demo agencies.
  MADOGUCHI_DEMO: 'on',
};

export function benchToken(claims: Parameters<typeof signDevelopmentToken>[0]): Promise<string> {
  return signDevelopmentToken(claims, new TextEncoder().encode(JWT_SECRET));
}

export interface Stack {
  name: string;
  /** The gateways' GraphQL URLs (a load balancer's job is left to the client: round robin). */
  urls: string[];
  /** The node processes serving it (gateways, subgraphs, or the one `npm start`). */
  processes: Child[];
  close(): Promise<void>;
}

/** The demo agencies with consultation logs: a set-up is loaded once each has a count. */
export const AGENCIES_WITH_LOGS = loadAgencyConfigs(join(ROOT, 'agencies'), {
  ...process.env,
  MADOGUCHI_DEMO_URL: 'http://127.0.0.1:1',
})
  .filter((a) => a.sources.some((s) => s.entity === 'consultation'))
  .map((a) => a.id);

/** Polls the graph until the directory is in and every agency's consultation log has landed. */
export async function waitForDemoData(url: string, timeoutMs = 600_000): Promise<void> {
  const started = Date.now();
  const body = JSON.stringify({ query: '{ organizations { id consultationCount } }' });
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await res.json()) as {
        data?: { organizations: Array<{ id: string; consultationCount: number | null }> };
      };
      const counted = new Set(
        (json.data?.organizations ?? []).filter((o) => (o.consultationCount ?? 0) > 0).map((o) => o.id),
      );
      if (AGENCIES_WITH_LOGS.every((id) => counted.has(id))) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url}: the demo agencies' data did not land within ${timeoutMs / 1000} s`);
}

/**
 * `npm start` (madoguchi start) with its demo agencies, on a fresh
 * PGlite data directory or on `databaseUrl`; resolves once every source has synced.
 */
export async function startEmbeddedStack(
  name: string,
  options: { databaseUrl?: string; env?: Record<string, string>; onReady?: (pid: number) => void } = {},
): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-embedded-'));
  const port = await freePort();
  const env = {
    ...BENCH_ENV,
    ...options.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    MADOGUCHI_DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl ?? '',
  };
  const child = await startChild('start', [], env, /Madoguchi is ready/, {
    timeoutMs: 300_000,
  });
  options.onReady?.(child.process.pid!);
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await waitForDemoData(url);
  } catch (e) {
    await child.kill();
    throw e;
  }
  return {
    name,
    urls: [url],
    processes: [child],
    async close() {
      await child.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `replicas` processes of each subgraph and `gateways` gateways balancing over them, on `databaseUrl`. */
export async function startScaledOutStack(
  name: string,
  databaseUrl: string,
  options: { replicas?: number; gateways?: number; env?: Record<string, string> } = {},
): Promise<Stack> {
  const { replicas = 2, gateways = 2 } = options;
  const env = { ...BENCH_ENV, ...options.env, DATABASE_URL: databaseUrl };
  const processes: Child[] = [];
  const close = () => Promise.all(processes.map((c) => c.kill())).then(() => undefined);
  try {
    const subgraphUrls: Record<string, string[]> = {};
    for (const subgraph of ['organizations', 'programs', 'consultations']) {
      for (let r = 0; r < replicas; r++) {
        const port = await freePort();
        processes.push(await startSubgraphProcess(subgraph, port, env));
        (subgraphUrls[subgraph] ??= []).push(`http://127.0.0.1:${port}/graphql`);
      }
    }
    const urls: string[] = [];
    for (let g = 0; g < gateways; g++) {
      const port = await freePort();
      const perSubgraph = Object.fromEntries(
        Object.entries(subgraphUrls).map(([n, u]) => [`SUBGRAPH_${n.toUpperCase()}_URL`, u.join(',')]),
      );
      processes.push(
        await startChild('gateway', [], { ...env, ...perSubgraph, PORT: String(port), HOST: '127.0.0.1' }, /ready at/),
      );
      urls.push(`http://127.0.0.1:${port}/graphql`);
    }
    return { name, urls, processes, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** A PostgreSQL 15 of the bench's own (Debian's binaries, loopback) with an empty `madoguchi` database. */
export async function startBenchPostgres(): Promise<{ server: PostgresServer; databaseUrl: string }> {
  const server = await startPostgresServer({ shared_buffers: '256MB' });
  try {
    const { openStore } = await import('../store/store');
    const admin = await openStore({ databaseUrl: server.url() });
    await admin.query('create database madoguchi');
    await admin.close();
  } catch (e) {
    await server.close();
    throw e;
  }
  return { server, databaseUrl: server.url('madoguchi') };
}

/** Resident memory of one process in bytes (VmRSS), 0 once it has gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Memory of a process and all its descendants as their proportional set size (Pss): pages shared
 * between them (PostgreSQL's shared buffers) are counted once in all, not once per backend.
 */
export function treePssBytes(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while being read.
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // Gone, or not readable.
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** The machine's load averages, to say how busy it was while a bench ran. */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}
