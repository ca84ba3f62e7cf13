/**
 * Every command as an operator types it (`npm run -s <script> -- …`, or the `madoguchi` bin for
 * commands without a script), as a child process: `--help` exits 0 and lists every flag with its
 * default; an unknown flag or a missing value exits 2 with the usage line and touches nothing —
 * no data folder, no secrets file, no sync (the data folder named for the run never appears).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createProgram, SUBGRAPH_NAMES } from '../../app/cli';
import { SUBGRAPHS } from '../../subgraphs';
import { ROOT } from '../support/paths';
import { runToEnd, type Ran } from '../support/run';

const base = mkdtempSync(join(tmpdir(), 'madoguchi-cli-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let runs = 0;

/** Runs `argv` with a data folder that does not exist yet; says whether anything created it. */
function run(argv: string[]): Promise<Ran & { touched: boolean }> {
  const dataDir = join(base, `data-${runs++}`);
  const env: NodeJS.ProcessEnv = { ...process.env, MADOGUCHI_DATA_DIR: dataDir, DATABASE_URL: '', NODE_OPTIONS: '' };
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  return runToEnd(argv, env).then((r) => ({ ...r, touched: existsSync(dataDir) }));
}

const npm = (script: string, ...args: string[]) => ['npm', 'run', '-s', script, '--', ...args];
const bin = (...args: string[]) => [process.execPath, join(ROOT, 'bin', 'madoguchi.js'), ...args];

/** Every npm script that is a madoguchi command, with the command it runs. */
const SCRIPTS: Record<string, string> = {
  start: 'start',
  'start:gateway': 'gateway',
  'start:subgraph': 'subgraph',
  sync: 'sync',
  'agency:init': 'agency init',
  'agency:check': 'agency check',
  token: 'token',
  compose: 'compose',
  postinstall: 'prepare',
  'settings:docs': 'settings docs',
  'demo:servers': 'demo servers',
  'demo:consultations': 'demo consultations',
};

/** The scripts whose process keeps running until it is stopped. */
const KEEPS_RUNNING = ['start', 'start:gateway', 'start:subgraph', 'sync', 'demo:servers'];

/** Commands reached through the bin alone (the container's HEALTHCHECK, an operator's re-key). */
const BIN_ONLY = ['health', 'webhooks rekey'];

function commands(cmd: Command, path: string[] = []): Array<{ path: string[]; cmd: Command }> {
  const here = path.length ? [{ path, cmd }] : [];
  return [...here, ...cmd.commands.flatMap((c) => commands(c, [...path, c.name()]))];
}
const ALL = commands(createProgram()).filter(({ cmd }) => cmd.commands.length === 0);

test('each npm script runs its madoguchi command', () => {
  const { scripts } = require(join(ROOT, 'package.json')) as { scripts: Record<string, string> };
  // A process that keeps running replaces npm's shell (exec), so the SIGTERM npm forwards reaches it.
  for (const [script, command] of Object.entries(SCRIPTS))
    expect(scripts[script]).toBe(`${KEEPS_RUNNING.includes(script) ? 'exec ' : ''}node bin/madoguchi.js ${command}`);
  // And every command of the bin has a script, or is reached through the bin alone.
  expect(ALL.map(({ path }) => path.join(' ')).sort()).toEqual([...Object.values(SCRIPTS), ...BIN_ONLY].sort());
});

test('madoguchi subgraph <name> takes every subgraph there is', () => {
  expect(SUBGRAPH_NAMES).toEqual(SUBGRAPHS.map((m) => m.name));
});

test('every flag says its default (or that it is required) in its help', () => {
  for (const { path, cmd } of ALL)
    for (const option of cmd.options)
      expect([
        path.join(' '),
        option.flags,
        option.defaultValue !== undefined || /default|required/.test(option.description),
      ]).toEqual([path.join(' '), option.flags, true]);
});

describe.each(Object.entries(SCRIPTS))('npm run %s', (script, command) => {
  const cmd = ALL.find(({ path }) => path.join(' ') === command)!.cmd;

  test('--help exits 0, lists every flag and touches nothing', async () => {
    const r = await run(npm(script, '--help'));
    expect({ code: r.code, touched: r.touched, stderr: r.stderr }).toEqual({ code: 0, touched: false, stderr: '' });
    expect(r.stdout).toContain(`Usage: madoguchi ${command}`);
    for (const option of cmd.options) expect(r.stdout).toContain(option.flags);
    for (const option of cmd.options)
      if (option.defaultValue !== undefined)
        expect(r.stdout).toContain(`default: ${JSON.stringify(option.defaultValue)}`);
  });

  test('an unknown flag exits 2 with the usage line before anything runs', async () => {
    // With what the command needs besides (token's --role), so the flag is all that is wrong.
    const r = await run(npm(script, ...(script === 'token' ? ['--role', 'analyst'] : []), '--no-such-flag'));
    expect({ code: r.code, touched: r.touched, stdout: r.stdout }).toEqual({ code: 2, touched: false, stdout: '' });
    expect(r.stderr).toContain("error: unknown option '--no-such-flag'");
    expect(r.stderr).toContain(`usage: madoguchi ${command} `);
  });
});

test.each([
  [npm('sync', '--help'), 0, 'sync --help syncs nothing'],
  [bin('--help'), 0, 'the bare command'],
  [bin('-h'), 0, 'the short flag'],
  [bin(), 2, 'no command at all'],
  [npm('token', '--role'), 2, 'a flag without its value'],
  [npm('token', '--role', 'admin'), 2, 'a value that is not a choice'],
  [npm('agency:check'), 2, 'a missing argument'],
  [npm('start:subgraph', 'billing'), 2, 'an unknown subgraph'],
  [npm('agency:check', 'agencies/hyogo-iac.yaml', '--show', 'many'), 2, 'a bad number'],
  [npm('start', '--sync', 'later'), 2, 'a bad choice for start'],
  [bin('settings', 'docs', '--nope'), 2, 'a nested command'],
  [bin('health', '--help'), 0, 'the health check'],
  [bin('health', '--nope'), 2, 'the health check'],
  [bin('webhooks', 'rekey', '--help'), 0, 'the re-key'],
  [bin('webhooks', 'rekey', '--nope'), 2, 'the re-key'],
  [bin('webhooks', 'rekey'), 2, 'the re-key without the old secret'],
])('%j exits %i and touches nothing (%s)', async (argv, code) => {
  const r = await run(argv);
  expect({ code: r.code, touched: r.touched }).toEqual({ code, touched: false });
  if (code === 2) expect(r.stderr).toMatch(/usage: madoguchi|Usage: madoguchi/);
});

describe('npm run token refuses a token the gateway would not take', () => {
  test('a lifetime above MADOGUCHI_JWT_MAX_LIFETIME exits 2 naming the setting, and mints nothing', async () => {
    const r = await run(npm('token', '--role', 'analyst', '--expires', '30d'));
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toContain('MADOGUCHI_JWT_MAX_LIFETIME (86400 s)');
  });

  test('a duration that is not one exits 2 with the usage line, no stack', async () => {
    const r = await run(npm('token', '--role', 'analyst', '--expires', 'banana'));
    expect({ code: r.code, touched: r.touched, stdout: r.stdout }).toEqual({ code: 2, touched: false, stdout: '' });
    expect(r.stderr).toContain("argument 'banana' is invalid");
    expect(r.stderr).toContain('usage: madoguchi token ');
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
  });

  test('an agency the agencies directory does not have exits 2 naming the ones it has', async () => {
    const r = await run(npm('token', '--role', 'staff', '--agency', 'no-such-agency'));
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toContain('no agency "no-such-agency"');
    expect(r.stderr).toMatch(/MADOGUCHI_AGENCIES_DIR\): it has .*hyogo-iac/);
  });

  test('a known agency within the maximum lifetime gets a token for exactly that lifetime', async () => {
    const r = await run(npm('token', '--role', 'staff', '--agency', 'hyogo-iac', '--expires', '300'));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const claims = JSON.parse(Buffer.from(r.stdout.trim().split('.')[1], 'base64url').toString()) as {
      agency: string;
      iat: number;
      exp: number;
    };
    expect({ agency: claims.agency, lifetime: claims.exp - claims.iat }).toEqual({
      agency: 'hyogo-iac',
      lifetime: 300,
    });
  });
});
