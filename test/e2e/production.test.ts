/**
 * The production path as an operator types it: `npm run build`, then `NODE_ENV=production npm
 * start` with real secrets. It runs the compiled JavaScript with plain node — a preload refuses
 * any load of tsx, and would fail the start — serves the graph, keeps the demo off, opens
 * introspection and /explorer to staff, analyst and coordinator tokens and refuses it to anonymous
 * callers; without secrets it refuses to start and writes nothing; a production `prepare` makes
 * no demo data.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { signDevelopmentToken } from '../../gateway/auth';
import { ROOT } from '../support/paths';
import { runToEnd } from '../support/run';

const JWT_SECRET = 'production-test-jwt-secret-of-enough-length-0123';
const IDENTITY_SECRET = 'production-test-identity-secret-enough-length-4567';
const base = mkdtempSync(join(tmpdir(), 'madoguchi-production-'));
const tsxLoads = join(base, 'tsx-loads');
// Preloaded into the production process: records and refuses any attempt to load tsx.
const guard = join(base, 'no-tsx.js');
writeFileSync(
  guard,
  `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/(^|[\\\\/])tsx([\\\\/]|$)/.test(request)) {
    require('node:fs').appendFileSync(${JSON.stringify(tsxLoads)}, request + '\\n');
    throw new Error('tsx loaded in production: ' + request);
  }
  return load.call(this, request, ...rest);
};
`,
);

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const k of Object.keys(env))
    if (k.startsWith('MADOGUCHI_') || k.startsWith('npm_') || k === 'DATABASE_URL') delete env[k];
  return env;
}

let child: ReturnType<typeof spawn> | undefined;
afterAll(async () => {
  if (child && child.exitCode === null) {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  }
  rmSync(base, { recursive: true, force: true });
});

test('npm run build compiles to dist/', async () => {
  const r = await runToEnd(['npm', 'run', '-s', 'build'], cleanEnv(), 240_000);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(existsSync(join(ROOT, 'dist', 'app', 'cli.js'))).toBe(true);
  expect(existsSync(join(ROOT, 'dist', 'subgraphs', 'programs', 'schema.graphql'))).toBe(true);
}, 300_000);

test('NODE_ENV=production npm start without secrets refuses, writing nothing', async () => {
  const dataDir = join(base, 'refused');
  const r = await runToEnd(['npm', 'run', '-s', 'start'], {
    ...cleanEnv(),
    NODE_ENV: 'production',
    PORT: '0',
    MADOGUCHI_DATA_DIR: dataDir,
  });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(
    'NODE_ENV=production needs MADOGUCHI_JWKS_URL (or MADOGUCHI_JWT_SECRET) and MADOGUCHI_IDENTITY_SECRET',
  );
  expect(existsSync(dataDir)).toBe(false);
});

test('a production prepare makes no demo data', async () => {
  const version = join(ROOT, 'demo', 'generated', 'consultations', 'VERSION');
  const before = existsSync(version) ? statSync(version).mtimeMs : null;
  const r = await runToEnd(['node', 'bin/madoguchi.js', 'prepare'], { ...cleanEnv(), NODE_ENV: 'production' }, 240_000);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('(demo off: no demo data)');
  expect(existsSync(version) ? statSync(version).mtimeMs : null).toBe(before);
}, 300_000);

describe('NODE_ENV=production npm start (compiled, real secrets)', () => {
  let url: string;
  let out = '';
  const dataDir = join(base, 'data');

  beforeAll(async () => {
    // The start script's command as npm runs it (npm itself would die of the SIGTERM below).
    const { scripts } = require(join(ROOT, 'package.json')) as { scripts: Record<string, string> };
    child = spawn('sh', ['-c', scripts.start], {
      cwd: ROOT,
      detached: true,
      env: {
        ...cleanEnv(),
        NODE_ENV: 'production',
        NODE_OPTIONS: `--require ${guard}`,
        PORT: '0',
        HOST: '127.0.0.1',
        MADOGUCHI_DATA_DIR: dataDir,
        MADOGUCHI_JWT_SECRET: JWT_SECRET,
        MADOGUCHI_IDENTITY_SECRET: IDENTITY_SECRET,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c) => (out += String(c)));
    child.stderr!.on('data', (c) => (out += String(c)));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready:\n${out}`)), 120_000);
      child!.stdout!.on('data', () => {
        const m = /ready in [\d.]+ s: (http:\/\/[^\s"]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child!.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
  }, 150_000);

  test("warns that the checkout's agency files read the demo's systems (a fresh data folder: no warning about it)", () => {
    expect(out).toMatch(/agency file\(s\) in .* read the demo's systems .*set MADOGUCHI_AGENCIES_DIR/);
    expect(out).not.toContain('set MADOGUCHI_DATA_DIR');
  });

  const post = async (body: object, token?: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { data?: any; errors?: Array<{ extensions: any }> } };
  };
  const token = (role: 'staff' | 'analyst' | 'coordinator') =>
    signDevelopmentToken(
      { role, agency: role === 'staff' ? 'hyogo-iac' : undefined },
      new TextEncoder().encode(JWT_SECRET),
    );
  const INTROSPECTION = { query: '{ __schema { queryType { name } types { name } } }' };

  test('runs the compiled JavaScript without tsx, in production mode with the demo off', async () => {
    const start = JSON.parse(out.split('\n').find((l) => l.includes('starting in production mode'))!);
    expect(start).toMatchObject({ mode: 'production', demo: 'off', secrets: 'from the environment' });
    expect(existsSync(tsxLoads)).toBe(false);
    // Secrets from the environment: no development secrets file is made.
    expect(readdirSync(dataDir)).not.toContain('secrets.json');
    // No demo agency systems: the demo agencies' files point at stand-ins nobody started.
    expect(out).toMatch(/127\.0\.0\.1:4010\/\S* unreachable/);
  });

  test('serves the graph', async () => {
    const r = await post({ query: '{ organizations { id name } }' });
    expect(r.status).toBe(200);
    expect(r.body.data.organizations.length).toBeGreaterThanOrEqual(20);
  });

  test("counts analysts' statistics on DuckDB, on the consultations subgraph's own thread, compiled", async () => {
    // The mirror loads once the first sync is in (failed here: the demo's stand-ins are off).
    const deadline = Date.now() + 60_000;
    while (
      !out.includes('columnar mirror loaded') &&
      !out.includes('columnar mirror not loaded') &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 200));
    expect(out).toContain('columnar mirror loaded');
    expect(out).not.toContain('columnar mirror not loaded');
    // The subgraph's thread takes the gateway's signed identity: a coordinator's exact counts.
    const r = await post(
      { query: '{ consultationStats(groupBy: [ORGANIZATION]) { total suppressedCells cells { count } } }' },
      await token('coordinator'),
    );
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    const stats = r.body.data.consultationStats as {
      total: number;
      suppressedCells: number;
      cells: { count: number }[];
    };
    // Exact counts by agency: nothing withheld, and the cells add up to the total.
    expect(stats.suppressedCells).toBe(0);
    expect(stats.cells.reduce((sum, c) => sum + c.count, 0)).toBe(stats.total);
  }, 90_000);

  test('refuses anonymous introspection with 401', async () => {
    const r = await post(INTROSPECTION);
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(r.body.data).toBeUndefined();
    // __typename is no introspection.
    expect((await post({ query: '{ __typename }' })).status).toBe(200);
  });

  test.each(['analyst', 'staff', 'coordinator'] as const)('answers introspection to a %s token', async (role) => {
    const r = await post(INTROSPECTION, await token(role));
    expect(r.status).toBe(200);
    expect(r.body.data.__schema.queryType.name).toBe('Query');
    expect(r.body.data.__schema.types.length).toBeGreaterThan(50);
  });

  test('serves /explorer, whose introspection goes with the token of its headers pane', async () => {
    const page = await fetch(new URL('/explorer', url));
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script/);
  });

  test('exits 0 on SIGTERM', async () => {
    process.kill(-child!.pid!, 'SIGTERM');
    const code = await new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(existsSync(tsxLoads)).toBe(false);
  });
});
