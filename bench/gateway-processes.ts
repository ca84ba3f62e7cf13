/**
 * The processes `bench:gateway` starts (its subgraphs and contenders) and stops when it exits, and
 * the scratch install of Hive Gateway with Hive Router's runtime that two contenders run from.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fetch } from 'undici';

const ROOT = resolve(__dirname, '..');
export const HIVE_DIR = process.env.BENCH_HIVE_DIR ?? join(tmpdir(), 'madoguchi-bench-hive');

export const children: ChildProcess[] = [];

export function stopChildren(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.on('exit', stopChildren);
process.on('SIGINT', () => process.exit(130));

/** Starts a process and resolves with the first stdout line matching `ready` (at once when null). */
export function spawnReady(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp | null,
  timeoutMs: number,
  cwd = ROOT,
): Promise<{ child: ChildProcess; line: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    let settled = false;
    const finish = (e: Error | null, line?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (e) {
        child.kill('SIGKILL');
        fail(e);
      } else done({ child, line: line! });
    };
    const timer = setTimeout(
      () => finish(new Error(`not ready within ${timeoutMs / 1000} s: ${tail(err || out)}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      if (settled || !ready) return; // keep draining so that the pipe never blocks the child
      out += chunk.toString();
      const line = out.split('\n').find((l) => ready.test(l));
      if (line) finish(null, line);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-4000);
    });
    child.once('exit', (code) => finish(new Error(`exited with code ${code}: ${tail(err || out)}`)));
    if (!ready) setImmediate(() => finish(null, ''));
  });
}

export function tail(text: string): string {
  return text.trim().split('\n').slice(-6).join(' | ').slice(0, 600);
}

export async function waitForGraphQL(url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Installs Hive Gateway into a scratch folder (once) and returns its binary. */
export function installHive(): string {
  const bin = join(HIVE_DIR, 'node_modules', '.bin', 'hive-gateway');
  if (existsSync(bin) && existsSync(join(HIVE_DIR, 'node_modules', '@graphql-hive', 'router-runtime'))) return bin;
  mkdirSync(HIVE_DIR, { recursive: true });
  console.log(`installing @graphql-hive/gateway into ${HIVE_DIR} (once; about a minute) …`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      HIVE_DIR,
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      '@graphql-hive/gateway@^2',
      '@graphql-hive/router-runtime@^1',
    ],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (r.status !== 0 || !existsSync(bin))
    throw new Error(`npm install @graphql-hive/gateway failed: ${tail(r.stderr || r.stdout || String(r.error))}`);
  return bin;
}
