/**
 * The `start` script of package.json as a service manager runs it: in its own process group,
 * serving a data directory that already holds the demo while its sources refresh in the
 * background (the event loop busy with syncs). SIGTERM to the group — Ctrl+C, `docker stop`,
 * systemd — must end it cleanly with status 0 after draining, not kill it mid-write. (npm itself
 * dies of the signal without waiting, so the script's command is run the way npm runs it.) On the
 * PostgreSQL pass the script is given DATABASE_URL, to a database of its own holding the demo.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { openStore } from '../../store/store';
import { CACHE_DIR, ROOT } from '../support/paths';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/store';

test('the start script serves a prepared store and exits 0 on SIGTERM while syncing in the background', async () => {
  const base = mkdtempSync(join(tmpdir(), 'madoguchi-start-'));
  const dataDir = join(base, 'data');
  const database = TEST_DATABASE_URL ? await createTestDatabase('demo') : null;
  if (!database) {
    const prepared = await openStore({
      dataDir,
      loadFrom: new Blob([readFileSync(join(CACHE_DIR, 'demo-store.tar'))]),
    });
    await prepared.close();
  }
  const storeEnv = database ? { DATABASE_URL: database.url } : { DATABASE_URL: '', MADOGUCHI_DATA_DIR: dataDir };
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const child = spawn('sh', ['-c', scripts.start], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
      PORT: '0',
      HOST: '127.0.0.1',
      ...storeEnv,
      MADOGUCHI_CONSULTATION_DIR: join(CACHE_DIR, 'consultations'),
      MADOGUCHI_ACCESS_LOG: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += String(chunk);
        const m = /ready in [\d.]+ s: (http:\/\/[^\s"]+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) =>
        reject(new Error(`the start script exited with ${code} before it was ready:\n${out}`)),
      );
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ organizations { id } }' }),
    });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { data: { organizations: unknown[] } }).data.organizations.length,
    ).toBeGreaterThanOrEqual(20);
    process.kill(-child.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    rmSync(base, { recursive: true, force: true });
    await database?.drop();
  }
});
