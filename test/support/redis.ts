/**
 * A private Redis for one test file (the shared-cache tests kill and restart it), from Debian's
 * redis-server, on a free loopback port with no persistence. Tests that need it run wherever
 * redis-server is installed and always in CI (.ci/run installs it, so there a missing binary
 * fails rather than skips); elsewhere they skip with a visible notice.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './postgres';

/** Where redis-server is, or null when it is not installed. */
export function redisServerBinary(): string | null {
  if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
}

export function describeWithRedis(name: string, fn: () => void): void {
  if (redisServerBinary() || process.env.CI) {
    describe(name, fn);
  } else {
    console.warn(`SKIPPED: "${name}" needs redis-server (apt-get install redis-server)`);
    describe.skip(name, fn);
  }
}

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL: gone at once, connections cut, every key lost (no persistence). */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open but nothing answers (a stalled host); resume() undoes it. */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const bin = redisServerBinary();
  if (!bin) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-redis-'));
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(
        bin,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
          '--maxmemory',
          '64mb',
          '--maxmemory-policy',
          'allkeys-lru',
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = proc;
      exited = new Promise((done) => proc.once('exit', () => done()));
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server not ready within 10 s:\n${out}`)), 10_000);
      proc.stdout!.on('data', (c) => {
        out += String(c);
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.stderr!.on('data', (c) => (out += String(c)));
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code} before it was ready:\n${out}`));
      });
    });

  const kill = async () => {
    const proc = child as ChildProcess | null;
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
    child = null;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    pause: () => void (child as ChildProcess | null)?.kill('SIGSTOP'),
    resume: () => void (child as ChildProcess | null)?.kill('SIGCONT'),
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
