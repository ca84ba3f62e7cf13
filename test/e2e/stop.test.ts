/**
 * `npm start` as the README types it, stopped as an operator stops it: SIGTERM to the process
 * they started (npm's pid, not the group). npm forwards the signal to the script's process; the
 * script replaces npm's shell (`exec node …`), so the signal reaches the server, which says it
 * is draining, closes, says it stopped, and frees its port. Without the `exec` the shell died of
 * the signal and left the server running, holding the port, having logged nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/store';
import { CACHE_DIR, ROOT } from '../support/paths';
import { embeddedEnv } from '../support/processes';

/** Whether 127.0.0.1:`port` can be listened on (nothing holds it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

test('SIGTERM to the npm start process stops the server: draining and stopped logged, the port freed', async () => {
  const base = mkdtempSync(join(tmpdir(), 'madoguchi-stop-'));
  const dataDir = join(base, 'data');
  const prepared = await openStore({ dataDir, loadFrom: new Blob([readFileSync(join(CACHE_DIR, 'demo-store.tar'))]) });
  await prepared.close();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    // Its own group, so that the test can clean up whatever the signal might leave behind.
    detached: true,
    env: embeddedEnv(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => {
    out += String(c);
  });
  child.stderr.on('data', (c) => {
    out += String(c);
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)),
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const see = () => {
        const m = /ready in [\d.]+ s: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m) resolve(Number(m[1]));
      };
      child.stdout.on('data', see);
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before it was ready:\n${out}`)));
    });
    expect(await portIsFree(port)).toBe(false);
    process.kill(child.pid!, 'SIGTERM');
    const how = await exited;
    if (how !== 'code 0') {
      // Which side failed: npm (the server never got the signal and still runs) or the server
      // (it died of the signal without draining). The output tells the rest.
      const serverPid = Number(/"pid":(\d+)/.exec(out)?.[1]);
      let serverAlive = false;
      try {
        process.kill(serverPid, 0);
        serverAlive = true;
      } catch {
        // Gone.
      }
      throw new Error(
        `npm start ended with ${how}; the server process ${serverPid} ${serverAlive ? 'still runs' : 'is gone'}:\n${out.slice(-4000)}`,
      );
    }
    const messages = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toEqual(expect.arrayContaining(['SIGTERM: stopping (draining)', 'stopped']));
    expect(messages.indexOf('stopped')).toBeGreaterThan(messages.indexOf('SIGTERM: stopping (draining)'));
    expect(await portIsFree(port)).toBe(true);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group is gone: nothing was left behind.
    }
    rmSync(base, { recursive: true, force: true });
  }
});
