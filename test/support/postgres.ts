/**
 * A private PostgreSQL 15 server for one test file (fault tests restart and kill it), from
 * Debian's postgresql-15 binaries, on a free loopback port and a temporary data directory.
 * initdb runs once per machine into a cached directory that each server copies. initdb and
 * postgres refuse to run as root, so as root they run as the `postgres` user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATE_BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];

/** Where initdb, pg_ctl and postgres are, or null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  for (const dir of CANDIDATE_BIN_DIRS) if (existsSync(join(dir, 'pg_ctl'))) return dir;
  const found = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = found.status === 0 ? found.stdout.trim() : '';
  return dir && existsSync(join(dir, 'pg_ctl')) ? dir : null;
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as the postgres user when this process is root. */
function run(bin: string, args: string[], options: { allowFailure?: boolean } = {}): string {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0 && !options.allowFailure)
    throw new Error(`${bin} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

function ownByPostgres(path: string): void {
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', path]);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A cluster made by initdb once (trust on loopback, UTF-8, C collation), copied by every server. */
function initdbTemplate(bin: string): string {
  const path = join(tmpdir(), `madoguchi-pg-initdb-${process.getuid?.() ?? 'x'}`);
  if (existsSync(join(path, 'PG_VERSION'))) return path;
  const partial = mkdtempSync(join(tmpdir(), 'madoguchi-pg-initdb-partial-'));
  ownByPostgres(partial);
  run(join(bin, 'initdb'), [
    '-D',
    join(partial, 'data'),
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  try {
    renameSync(join(partial, 'data'), path);
  } catch {
    // Another test file made it first.
  }
  rmSync(partial, { recursive: true, force: true });
  return path;
}

export interface PostgresServer {
  port: number;
  /** A connection URL to `database` (default postgres) as the superuser. */
  url(database?: string): string;
  /** Starts the server again on the same port and data (after stop or kill). */
  start(): Promise<void>;
  /** A clean shutdown: sessions are ended, then the server exits. */
  stop(): void;
  /** Like a crash: the server exits at once, without a checkpoint. */
  kill(): void;
  /** Stops it (if running) and removes its data. */
  close(): Promise<void>;
  /** The postmaster's process id while it runs (benches read its memory), else null. */
  pid(): number | null;
}

export async function startPostgresServer(settings: Record<string, string> = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql-15)');
  const base = mkdtempSync(join(tmpdir(), 'madoguchi-pg-'));
  const data = join(base, 'data');
  cpSync(initdbTemplate(bin), data, { recursive: true });
  ownByPostgres(base);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${base}`,
    '-c listen_addresses=127.0.0.1',
    // A test server: durability is not what it tests (a restart still replays the WAL).
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ');
  const pgCtl = join(bin, 'pg_ctl');
  let running = false;
  const server: PostgresServer = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      run(pgCtl, ['-D', data, '-o', options, '-l', join(base, 'log'), '-w', '-t', '30', 'start']);
      running = true;
    },
    stop() {
      run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'], { allowFailure: true });
      running = false;
    },
    kill() {
      run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], { allowFailure: true });
      running = false;
    },
    async close() {
      if (running) server.stop();
      rmSync(base, { recursive: true, force: true });
    },
    pid() {
      if (!running) return null;
      try {
        return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
      } catch {
        return null;
      }
    },
  };
  await server.start();
  return server;
}
