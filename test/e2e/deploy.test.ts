/**
 * The deployment kit (deploy/) cannot be run here: these machines have no container runtime and
 * no systemd to start units. So the files are checked by the real tools that read them —
 * `docker-compose config` (Compose file schema, interpolation, merge keys), dockerfile-utils (the
 * Dockerfile language server's validator: instructions, flags, JSON forms) and `systemd-analyze
 * verify` (the unit) — and every command they run is an npm script or a `madoguchi` command,
 * parsed by the real command line (its flags accepted) and named below with the test that runs it
 * as a child process. The health check command the images use is run here against servers that
 * answer 200 and 503. The image itself is never built here (docs/deploy.md says so).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Command } from 'commander';
import { validate } from 'dockerfile-utils';
import { createProgram } from '../../app/cli';
import { SUBGRAPHS } from '../../subgraphs';
import { ROOT } from '../support/paths';
import { runToEnd } from '../support/run';

/** The command each deploy file runs, and the test that runs it as an operator would. */
const EXERCISED: Record<string, string> = {
  'npm install': '.ci/run (every CI run) and the doc-test',
  'npm run build': 'test/e2e/production.test.ts',
  'npm prune': "npm's own (removes devDependencies)",
  prepare: 'test/e2e/production.test.ts (NODE_ENV=production)',
  start: 'test/e2e/production.test.ts, test/e2e/start.test.ts',
  gateway: 'test/e2e/gateway-workers.test.ts, test/e2e/scale-out.test.ts',
  subgraph: 'test/e2e/database-url.test.ts, test/e2e/scale-out.test.ts',
  sync: 'test/e2e/database-url.test.ts (--watch --port: the sync leader)',
  health: 'this test',
};

/** The base image's own tools: the service user and its state folder. */
const OS_STEPS = new Set(['groupadd', 'useradd', 'mkdir', 'chown']);

/** Parses argv with the real command line, running nothing: the command it names, or a throw. */
async function parsedCommand(args: string[]): Promise<string> {
  const program = createProgram();
  let ran: string | undefined;
  const stub = (cmd: Command, path: string[]) => {
    if (cmd.commands.length === 0) cmd.action(() => void (ran = path.join(' ')));
    for (const c of cmd.commands) stub(c, [...path, c.name()]);
  };
  for (const c of program.commands) stub(c, [c.name()]);
  program.hook('preAction', () => {});
  await program.parseAsync(args, { from: 'user' });
  if (!ran) throw new Error(`${args.join(' ')} runs no command`);
  return ran.split(' ')[0];
}

function madoguchiArgs(argv: string[]): string[] | null {
  const i = argv.indexOf('bin/madoguchi.js');
  return argv[0] === 'node' && i === 1 ? argv.slice(2) : null;
}

function dockerfileCommands(): string[][] {
  const text = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    const m = /^(RUN|CMD|HEALTHCHECK .*?CMD)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const body = m[2].trim();
    if (body.startsWith('[')) out.push(JSON.parse(body) as string[]);
    else for (const part of body.split('&&')) out.push(part.trim().split(/\s+/));
  }
  return out;
}

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
}

function composeServices(): Record<string, ComposeService> {
  return (
    parse(readFileSync(join(ROOT, 'deploy', 'compose.yaml'), 'utf8'), { merge: true }) as {
      services: Record<string, ComposeService>;
    }
  ).services;
}

function composeCommands(): string[][] {
  const doc = { services: composeServices() };
  const out: string[][] = [];
  for (const [name, s] of Object.entries(doc.services)) {
    if (s.image !== 'madoguchi:latest') continue;
    expect([name, s.command?.slice(0, 2)]).toEqual([name, ['node', 'bin/madoguchi.js']]);
    out.push(s.command!);
    if (s.healthcheck) out.push(s.healthcheck.test.slice(1));
  }
  return out;
}

function unitCommands(): string[][] {
  const unit = readFileSync(join(ROOT, 'deploy', 'madoguchi.service'), 'utf8');
  return [...unit.matchAll(/^ExecStart=\/usr\/bin\/(node .*)$/gm)].map((m) => m[1].split(/\s+/));
}

test.each([
  ['deploy/Dockerfile', dockerfileCommands],
  ['deploy/compose.yaml', composeCommands],
  ['deploy/madoguchi.service', unitCommands],
])('%s runs only commands the tests run, with flags the command line accepts', async (_, read) => {
  const commands = read();
  expect(commands.length).toBeGreaterThan(0);
  for (const argv of commands) {
    const args = madoguchiArgs(argv);
    if (args) {
      const name = await parsedCommand(args);
      expect([argv.join(' '), EXERCISED[name]]).toEqual([argv.join(' '), expect.any(String)]);
    } else if (OS_STEPS.has(argv[0])) {
      expect(argv.join(' ')).toMatch(/madoguchi/);
    } else {
      // Only npm's own steps, and the npm scripts the tests run.
      const npm = argv.slice(0, argv[1] === 'run' ? 3 : 2).join(' ');
      expect([argv.join(' '), EXERCISED[npm]]).toEqual([argv.join(' '), expect.any(String)]);
    }
  }
});

test('the image runs as a non-root user, from Node 20 slim, with a HEALTHCHECK on /healthz', () => {
  const text = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
  expect(text.match(/^FROM node:20-slim/gm)).toHaveLength(2);
  expect(text).toMatch(/^USER madoguchi$/m);
  expect(text).toMatch(/^HEALTHCHECK .*\n?.*health", "--url", "http:\/\/127\.0\.0\.1:4000\/healthz"/m);
  expect(text).toMatch(/^ENV NODE_ENV=production/m);
});

test('the Dockerfile passes the Dockerfile validator (dockerfile-utils)', () => {
  const text = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
  expect(validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  // The validator does find what a typo breaks.
  expect(validate(text.replace('USER madoguchi', 'USR madoguchi')).length).toBeGreaterThan(0);
});

/** A real tool's run that must be installed (.ci/run installs it with apt). */
async function tool(argv: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = await runToEnd(argv, env).catch((e: Error) => ({ code: null, stdout: '', stderr: e.message }));
  if (r.code === null || /ENOENT|not found/.test(r.stderr))
    throw new Error(`${argv[0]} is needed for this test (Debian package; .ci/run installs it): ${r.stderr}`);
  return r;
}

describe('compose.yaml', () => {
  let dir: string;
  beforeAll(() => {
    // As an operator lays it out: deploy/compose.yaml beside a .env copied from .env.example.
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-compose-'));
    mkdirSync(join(dir, 'deploy'));
    cpSync(join(ROOT, 'deploy', 'compose.yaml'), join(dir, 'deploy', 'compose.yaml'));
    cpSync(join(ROOT, '.env.example'), join(dir, '.env'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = (env: NodeJS.ProcessEnv) =>
    tool(['docker-compose', '-f', join(dir, 'deploy', 'compose.yaml'), 'config', '-q'], env);

  test('is a valid Compose file (docker-compose config), and refuses to start without a database password', async () => {
    const ok = await config({ ...process.env, POSTGRES_PASSWORD: 'a-password' });
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    const env = { ...process.env };
    delete env.POSTGRES_PASSWORD;
    const refused = await config(env);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('set POSTGRES_PASSWORD in .env')]);
  }, 60_000);

  test('runs every subgraph, each one reached by the gateways', () => {
    const services = composeServices();
    const gateway = services.gateway.environment ?? {};
    for (const { name } of SUBGRAPHS) {
      const port = String(services[name]?.command?.at(-1));
      expect([name, services[name]?.command?.slice(2, 4)]).toEqual([name, ['subgraph', name]]);
      expect([name, gateway[`SUBGRAPH_${name.toUpperCase()}_URL`]]).toEqual([name, `http://${name}:${port}/graphql`]);
    }
  });
});

test('the systemd unit passes systemd-analyze verify', async () => {
  const r = await tool(['systemd-analyze', 'verify', join(ROOT, 'deploy', 'madoguchi.service')]);
  expect([r.code, r.stderr]).toEqual([0, '']);
}, 60_000);

describe('madoguchi health, the images’ health check', () => {
  let servers: Server[] = [];
  const serve = (status: number) =>
    new Promise<string>((resolve) => {
      const s = createServer((_, res) => res.writeHead(status).end());
      servers.push(s);
      s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}/healthz`));
    });
  afterAll(() => {
    for (const s of servers) s.close();
    servers = [];
  });
  const health = (url: string) =>
    runToEnd([process.execPath, join(ROOT, 'bin', 'madoguchi.js'), 'health', '--url', url], {
      ...process.env,
      NODE_OPTIONS: '',
    });

  test('exits 0 on 200, 1 on 503 and on nothing listening', async () => {
    expect((await health(await serve(200))).code).toBe(0);
    const down = await health(await serve(503));
    expect([down.code, down.stderr]).toEqual([1, expect.stringContaining('HTTP 503')]);
    expect((await health('http://127.0.0.1:9/healthz')).code).toBe(1);
  });
});
