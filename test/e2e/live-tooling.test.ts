/**
 * The tooling an agency's developer types, typed here as commands: `npm run agency:init -- <url>`
 * recognises a Federation 2 endpoint and an OpenAPI document and proposes the live source;
 * `npm run agency:check -- <file>` composes it with the built-in subgraphs, lists what it adds and
 * calls one operation, and refuses (exit 1) a service that would override a built-in field, naming
 * the agency.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { EQUIPMENT_SCHEMA_FILE } from '../../demo/live/equipment';
import { ROOT } from '../support/paths';
import { startLiveService, type LiveService } from '../support/live';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'madoguchi-live-tooling-'));
const apiKey = 'tooling-test-key';
let equipment: LiveService;
let fees: LiveService;

/** `npm run -s <script> -- args` as a user types it; resolves with its exit code and output. */
async function npm(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run('npm', ['run', '-s', script, '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  // Identity is read but not checked here: agency:check signs with the install's own key.
  [equipment, fees] = await Promise.all([
    startLiveService('equipment', { dir: work }),
    startLiveService('fees', { dir: work, apiKey }),
  ]);
});

afterAll(async () => {
  await Promise.all([equipment?.stop(), fees?.stop()]);
});

test('agency:init proposes a graphql-subgraph source for a Federation 2 endpoint, and agency:check composes and calls it', async () => {
  const file = join(work, 'tech-centre.yaml');
  const init = await npm('agency:init', [`${equipment.url}/graphql`, '--name', 'テスト技術センター', '--out', file]);
  expect(init.code).toBe(0);
  const proposed = parse(readFileSync(file, 'utf8'));
  expect(proposed.sources).toEqual([
    { id: 'graphql', kind: 'graphql-subgraph', url: `${equipment.url}/graphql`, interval: '1m' },
  ]);
  expect(readFileSync(file, 'utf8')).toContain('Organization @key: id, equipment');

  const check = await npm('agency:check', [file]);
  expect(check.code).toBe(0);
  expect(check.stdout).toContain('tech-centre/graphql  graphql-subgraph (live)');
  expect(check.stdout).toContain('composes with the built-in subgraphs');
  expect(check.stdout).toMatch(/^ {4}Organization\.equipment$/m);
  expect(check.stdout).toMatch(/smoke test: equipmentList answered in \d+ ms: \{"equipmentList":\[\{"id":"itc-xct-01"/);
});

test('agency:init proposes an openapi source for an OpenAPI 3 document, and agency:check calls it with the key from the environment', async () => {
  const file = join(work, 'guarantee.yaml');
  const init = await npm('agency:init', [`${fees.url}/openapi.yaml`, '--out', file]);
  expect(init.code).toBe(0);
  const text = readFileSync(file, 'utf8');
  const proposed = parse(text);
  expect(proposed.sources[0]).toMatchObject({
    kind: 'openapi',
    spec: `${fees.url}/openapi.yaml`,
    baseUrl: fees.url,
    prefix: 'guarantee',
  });
  expect(text).toContain('getGuaranteeFee: GET /v1/programs/{programId}/fee');
  expect(text).toContain('{ type: Program, field: guaranteeFee, operation: getGuaranteeFee, args: { programId: id } }');

  // The service wants a key: the file names the variable, the environment holds it.
  writeFileSync(
    file,
    text.replace(
      '    # auth: { header: X-Api-Key, env: AGENCY_API_KEY }',
      '    auth: { header: X-Api-Key, env: GUARANTEE_KEY }',
    ),
  );
  const missing = await npm('agency:check', [file]);
  expect(missing.code).toBe(1);
  expect(missing.stdout).toContain('environment variable GUARANTEE_KEY is not set');
  const check = await npm('agency:check', [file, '--json'], { GUARANTEE_KEY: apiKey });
  expect(check.code).toBe(0);
  const result = JSON.parse(check.stdout);
  expect(result.live[0]).toMatchObject({ id: 'guarantee/api', kind: 'openapi', status: 'ok', composed: true });
  expect(result.live[0].fields).toContain('Query.guaranteeGetGuaranteeFee');
  expect(result.live[0].smoke).toMatchObject({ operation: 'guaranteeListGuaranteePrograms', ok: true });
});

test('agency:check refuses a service that overrides a built-in field, naming the agency', async () => {
  const schema = join(work, 'override.graphql');
  writeFileSync(
    schema,
    readFileSync(EQUIPMENT_SCHEMA_FILE, 'utf8').replace(
      '  id: ID!\n  "Equipment open',
      '  id: ID!\n  name: String\n  "Equipment open',
    ),
  );
  await equipment.restart(schema);
  const file = join(work, 'tech-centre.yaml');
  const check = await npm('agency:check', [file]);
  expect(check.code).toBe(1);
  expect(check.stdout).toContain('LEFT OUT of the graph');
  expect(check.stdout).toContain(
    'agency "tech-centre" (source graphql): Organization.name is defined by the built-in subgraph "organizations"',
  );
});
