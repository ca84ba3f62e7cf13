/**
 * The doc-test: what README.md and docs/ tell an operator to type, typed. Every ```sh block there
 * carries a marker in the comment line just above it:
 *
 *   <!-- doctest: run [exit=N] [expect=/regex/] -->   run with bash -e; exit code (default 0) and
 *                                                     output (stdout and stderr) checked
 *   <!-- doctest: serve ready=/regex/ -->             a start that keeps running: started, waited
 *                                                     for, and left up for the blocks after it
 *   <!-- doctest: skip — reason -->                   not run here; the reason names where it is
 *
 * A block without a marker fails the test, so nothing documented slips by unchecked. Blocks run in
 * document order (README.md, then docs/*.md by name) in one copy of the checkout (the files git
 * knows, with this checkout's node_modules linked and nothing of its .data), with no MADOGUCHI_*
 * or DATABASE_URL from the test's environment: the product as a fresh clone has it. The one
 * change to what is typed: the start listens on a free port, and `localhost:4000` in later
 * blocks is replaced by it (4000 may be taken on a shared machine).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../support/postgres';
import { ROOT } from '../support/paths';
import { runToEnd } from '../support/run';

interface Block {
  file: string;
  line: number;
  kind: 'run' | 'serve' | 'skip';
  exit: number;
  /** `expect=` for run, `ready=` for serve. */
  pattern?: RegExp;
  reason?: string;
  text: string;
}

const MARKER = /^<!-- doctest: (run|serve|skip)(.*?) -->$/;

function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join('docs', f));
  return ['README.md', ...docs];
}

/** Every ```sh block of a Markdown file with its marker; a block without one is an error. */
function blocksOf(file: string, text: string): { blocks: Block[]; unmarked: string[] } {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  const unmarked: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```sh') continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    const body = lines.slice(i + 1, end).join('\n');
    const m = MARKER.exec(lines[i - 1]?.trim() ?? '');
    if (!m) {
      unmarked.push(`${file}:${i + 1}`);
    } else {
      const attrs = m[2];
      const regex = /(?:expect|ready)=\/(.*)\/\s*$/.exec(attrs);
      blocks.push({
        file,
        line: i + 1,
        kind: m[1] as Block['kind'],
        exit: Number(/exit=(\d+)/.exec(attrs)?.[1] ?? 0),
        pattern: regex ? new RegExp(regex[1], 'm') : undefined,
        reason: m[1] === 'skip' ? attrs.replace(/^\s*—\s*/, '').trim() : undefined,
        text: body,
      });
    }
    i = end;
  }
  return { blocks, unmarked };
}

const all = docFiles().map((f) => blocksOf(f, readFileSync(join(ROOT, f), 'utf8')));
const blocks = all.flatMap((b) => b.blocks);

test('every shell block of README.md and docs/ is marked run, serve or skip (with a reason)', () => {
  expect(all.flatMap((b) => b.unmarked)).toEqual([]);
  for (const b of blocks.filter((x) => x.kind === 'skip'))
    expect([`${b.file}:${b.line}`, b.reason!.length > 10]).toEqual([`${b.file}:${b.line}`, true]);
  for (const b of blocks.filter((x) => x.kind !== 'skip'))
    expect([`${b.file}:${b.line}`, b.kind === 'run' || b.pattern !== undefined]).toEqual([`${b.file}:${b.line}`, true]);
  // The commands the issue asks the docs to show, and the doc-test to type.
  const typed = blocks.filter((b) => b.kind !== 'skip').map((b) => b.text);
  for (const command of [/npm start/, /--help/, /agency:init/, /agency:check/, /token/])
    expect(typed.some((t) => command.test(t))).toBe(true);
});

describe('the documented commands, typed on a copy of the checkout', () => {
  let copy: string;
  let port: number;
  let server: ChildProcess | undefined;
  let serverOut = '';
  let serverExit: Promise<number | null> | undefined;
  const env = (): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', PORT: String(port), LOG_FORMAT: 'json' };
    for (const k of Object.keys(e))
      if (k.startsWith('MADOGUCHI_') || k.startsWith('npm_') || k === 'DATABASE_URL' || k === 'NODE_ENV') delete e[k];
    return e;
  };

  beforeAll(async () => {
    copy = mkdtempSync(join(tmpdir(), 'madoguchi-doctest-'));
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => f && existsSync(join(ROOT, f)));
    for (const f of files) {
      mkdirSync(dirname(join(copy, f)), { recursive: true });
      cpSync(join(ROOT, f), join(copy, f));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    // What `npm install` prepared (the demo's logs, the pages' bundles) as a fresh install has it.
    for (const made of ['demo/generated'])
      if (existsSync(join(ROOT, made))) cpSync(join(ROOT, made), join(copy, made), { recursive: true });
    port = await freePort();
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      process.kill(-server.pid!, 'SIGKILL');
      await serverExit;
    }
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  const typed = (text: string) => text.replaceAll('localhost:4000', `localhost:${port}`);

  for (const block of blocks.filter((b) => b.kind !== 'skip')) {
    const name = `${block.file}:${block.line} ${block.kind}: ${block.text.split('\n')[0]}`;
    if (block.kind === 'serve') {
      test(name, async () => {
        const child = spawn('bash', ['-c', `exec ${typed(block.text)}`], {
          cwd: copy,
          env: env(),
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        server = child;
        serverExit = new Promise((r) => child.once('exit', r));
        const ready = new Promise<void>((resolve, reject) => {
          const see = (c: Buffer) => {
            serverOut += String(c);
            if (block.pattern!.test(serverOut)) resolve();
          };
          child.stdout!.on('data', see);
          child.stderr!.on('data', see);
          child.once('exit', (code) => reject(new Error(`exited ${code} before ready:\n${serverOut.slice(-3000)}`)));
        });
        await ready;
      }, 300_000);
    } else {
      test(name, async () => {
        const r = await runToEnd(['bash', '-e', '-o', 'pipefail', '-c', typed(block.text)], env(), 240_000, copy);
        const out = `${r.stdout}${r.stderr}`;
        expect({ exit: r.code, out: block.pattern ? block.pattern.test(out) : true, tail: out.slice(-2000) }).toEqual({
          exit: block.exit,
          out: true,
          tail: expect.any(String),
        });
      }, 300_000);
    }
  }

  test('the documented start stops cleanly on SIGTERM, and npm with it', async () => {
    expect(server?.exitCode ?? null).toBeNull();
    // SIGTERM to the start's own process, as a service manager sends it (npm passes on its exit code).
    const start = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,args='], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find(
        ([, pgid, command, ...args]) =>
          Number(pgid) === server!.pid && /(^|\/)node$/.test(command) && args.join(' ') === 'bin/madoguchi.js start',
      );
    expect(start).toBeDefined();
    process.kill(Number(start![0]), 'SIGTERM');
    expect(await serverExit).toBe(0);
  }, 60_000);
});
