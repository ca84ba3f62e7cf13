/**
 * One process per embedded data directory, as an operator meets it: with `npm start` serving a
 * data directory, a second `npm start` and `npm run sync` on the same directory (the README's
 * commands) are refused with a message naming the directory and the process that holds it, and
 * the running server and its data are untouched. Before, both opened the directory beside the
 * server and wrote to it, and the next start failed on a store that no longer opened
 * ("Aborted()"). On the PostgreSQL pass the embedded store is not in play: the test says so.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/store';
import { LOCK_NAME, STALE_MS } from '../../store/engine/dataDirLock';
import { startEmbedded } from '../../app/embedded';
import { CACHE_DIR, ROOT } from '../support/paths';
import { embeddedEnv } from '../support/processes';
import { runToEnd } from '../support/run';
import { TEST_DATABASE_URL } from '../support/store';

const describeEmbedded = TEST_DATABASE_URL ? describe.skip : describe;
if (TEST_DATABASE_URL) console.log('data-dir.test.ts: the PostgreSQL pass has no embedded data directory to share');

describeEmbedded('a data directory in use', () => {
  let base: string;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'madoguchi-datadir-'));
    dataDir = join(base, 'data');
    const prepared = await openStore({
      dataDir,
      loadFrom: new Blob([readFileSync(join(CACHE_DIR, 'demo-store.tar'))]),
    });
    await prepared.close();
    env = embeddedEnv(dataDir);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  /** `npm start` on the data directory, resolved once ready with its URL and what it wrote. */
  async function startServer() {
    const server = spawn('npm', ['start'], { cwd: ROOT, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { text: '' };
    server.stdout.on('data', (c) => (output.text += String(c)));
    server.stderr.on('data', (c) => (output.text += String(c)));
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', () => {
        const m = /ready in [\d.]+ s: (http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(output.text);
        if (m) resolve(m[1]);
      });
      server.once('exit', (code) =>
        reject(new Error(`npm start exited with ${code} before it was ready:\n${output.text}`)),
      );
    });
    const kill = () => {
      if (server.exitCode !== null || server.signalCode !== null) return;
      try {
        process.kill(-server.pid!, 'SIGKILL');
      } catch {
        // Gone already.
      }
    };
    return { server, output, exited, url, kill };
  }

  test('a second npm start and npm run sync are refused; the running server and its data are untouched', async () => {
    const { server, output, exited, url, kill } = await startServer();
    try {
      const count = async () => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ organizations { id programs { id } } }' }),
        });
        const body = (await res.json()) as { data: { organizations: Array<{ programs: unknown[] }> } };
        return body.data.organizations.reduce((n, o) => n + 1 + o.programs.length, 0);
      };
      const before = await count();
      expect(before).toBeGreaterThan(20);
      const serverPid = Number(/"pid":(\d+)/.exec(output.text)![1]);

      const sync = await runToEnd(['npm', 'run', '--silent', 'sync'], env, 90_000);
      expect(sync.code).toBe(1);
      expect(sync.stderr).toContain(
        `the data directory ${dataDir} is in use by another Madoguchi process (pid ${serverPid}`,
      );
      expect(sync.stderr).toContain('DATABASE_URL');
      // A refusal, said plainly: no stack trace.
      expect(sync.stderr).not.toMatch(/^\s+at /m);

      const second = await runToEnd(['npm', 'start'], env, 90_000);
      expect(second.code).not.toBe(0);
      expect(second.stdout + second.stderr).toContain(`the data directory ${dataDir} is in use`);

      expect(await count()).toBe(before);
      process.kill(server.pid!, 'SIGTERM');
      expect(await exited).toBe(0);
      // Stopped, it gives the directory back; the store opens as it was.
      expect(existsSync(join(dataDir, LOCK_NAME))).toBe(false);
      const store = await openStore({ dataDir });
      const [{ n }] = await store.query<{ n: number }>('select count(*)::int as n from organizations');
      await store.close();
      expect(n).toBeGreaterThan(0);
    } finally {
      kill();
    }
  }, 240_000);

  test('a store statement longer than the stale time does not let the lock lapse', async () => {
    // The lock was renewed on the store thread's event loop, which a PGlite statement holds for as
    // long as it runs: one running past STALE_MS left the lock unrenewed, and a second process
    // started then took it as abandoned and opened the store beside the first.
    const app = await startEmbedded({ dataDir, sync: 'never', demo: false, port: 0, databaseUrl: undefined });
    try {
      const lockDir = join(dataDir, LOCK_NAME);
      const from = Date.now();
      const sleeping = app.store.query(`select pg_sleep(${STALE_MS / 1000 + 4})`);
      await new Promise((r) => setTimeout(r, STALE_MS + 1_000));
      // Renewed while the statement ran (every 5 s), not last before it began.
      expect(statSync(lockDir).mtimeMs).toBeGreaterThan(from + 5_000);
      await sleeping;
    } finally {
      await app.close();
    }
    expect(existsSync(join(dataDir, LOCK_NAME))).toBe(false);
  }, 120_000);

  test('MADOGUCHI_DATA_DIR naming a file: npm run sync says so plainly, without a stack trace', async () => {
    const file = join(base, 'data.tgz');
    writeFileSync(file, 'a backup, not a directory');
    const sync = await runToEnd(['npm', 'run', '--silent', 'sync'], { ...env, MADOGUCHI_DATA_DIR: file }, 90_000);
    expect(sync.code).toBe(1);
    expect(sync.stderr).toContain(`the data directory ${file} cannot be used`);
    expect(sync.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  test('a server whose lock is taken from it stops, naming the directory, rather than serve on without its store', async () => {
    // As when an operator deletes the lock of a running server, or another process took it over
    // after the server was held up past the stale time: the store thread stopped writing, but
    // the process served on, /healthz answering 200, so neither systemd nor Docker restarted it.
    const { output, exited, kill } = await startServer();
    try {
      // Once analysts' columnar mirror (DuckDB, native) is open: a process exiting with it open
      // aborted (SIGABRT, "terminate called after throwing an instance of 'Napi::Error'").
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no columnar mirror within 120 s:\n${output.text}`)), 120_000);
        const check = setInterval(() => {
          if (!output.text.includes('columnar mirror loaded')) return;
          clearInterval(check);
          clearTimeout(timer);
          resolve();
        }, 100);
      });
      rmSync(join(dataDir, LOCK_NAME), { recursive: true, force: true });
      // The lock is renewed every 5 s: the server notices within that, and stops.
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise((r) => (timer = setTimeout(() => r('still running'), 30_000))),
      ]);
      clearTimeout(timer);
      if (code !== 70) throw new Error(`npm start ended with ${code}, not 70:\n${output.text.slice(-3000)}`);
      expect(output.text).toContain(`lost the lock on the data directory ${dataDir}`);
    } finally {
      kill();
    }
  }, 240_000);
});
