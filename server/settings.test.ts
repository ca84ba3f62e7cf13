import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closestName,
  defaultSettings,
  describeStore,
  parseSettings,
  resolveSecrets,
  SETTINGS,
  startFields,
} from './settings';

const parse = (env: Record<string, string>) => parseSettings(env, { envFile: false });

test('every default parses, and the defaults are what the docs say', () => {
  const s = defaultSettings();
  expect(s).toMatchObject({
    mode: 'development',
    host: '127.0.0.1',
    port: 4000,
    responseCache: true,
    demo: true,
    introspection: 'everyone',
    subgraphUrls: {},
    corsOrigins: [],
  });
  expect(parse({ NODE_ENV: 'production' })).toMatchObject({
    mode: 'production',
    demo: false,
    introspection: 'signed-in',
  });
});

test('booleans accept true/false, 1/0, on/off, yes/no in any case; anything else names the variable', () => {
  for (const [text, value] of [
    ['true', true],
    ['1', true],
    ['on', true],
    ['YES', true],
    ['false', false],
    ['0', false],
    ['Off', false],
    ['no', false],
  ] as const)
    expect(parse({ MADOGUCHI_SUBGRAPH_DEDUP: text }).subgraphDedup).toBe(value);
  expect(() => parse({ MADOGUCHI_DEMO: 'maybe' })).toThrow(
    'MADOGUCHI_DEMO: expected true/false, 1/0, on/off or yes/no (got "maybe")',
  );
});

test('every bad value is listed at once with what it expects; a secret is never echoed', () => {
  let message = '';
  try {
    parse({
      MADOGUCHI_SYNC_WORKERS: 'abc',
      PORT: '99999',
      MADOGUCHI_JWT_SECRET: 'short-secret-value',
      LOG_LEVEL: 'loud',
    });
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toContain('MADOGUCHI_SYNC_WORKERS: expected a whole number or auto (got "abc")');
  expect(message).toContain('PORT: expected a whole number from 0 to 65535 (got "99999")');
  expect(message).toContain('MADOGUCHI_JWT_SECRET: expected at least 32 characters');
  expect(message).toContain('LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent');
  expect(message).not.toContain('short-secret-value');
});

test('an unknown MADOGUCHI_* name is reported with the closest known one', () => {
  expect(parse({ MADOGUCHI_RESPONSE_CACH: 'on' }).warnings).toEqual([
    'unknown setting MADOGUCHI_RESPONSE_CACH: did you mean MADOGUCHI_RESPONSE_CACHE? (the settings are listed in docs/configuration.md)',
  ]);
  expect(closestName('MADOGUCHI_DATADIR')).toBe('MADOGUCHI_DATA_DIR');
  expect(closestName('MADOGUCHI_SOMETHING_ELSE_ENTIRELY')).toBeUndefined();
  // Known names, other variables and the example client's are not reported.
  expect(parse({ MADOGUCHI_DATA_DIR: 'x', PATH: '/bin', MADOGUCHI_URL: 'http://x', HOME: '/' }).warnings).toEqual([]);
});

test('a .env file gives defaults the environment overrides; agency variables are kept for the agency files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-env-'));
  try {
    const file = join(dir, '.env');
    writeFileSync(file, '# a comment\nPORT=4100\nHOST=127.0.0.2\nJNET21_CSV="/data/j-net21.csv"\n');
    const s = parseSettings({ HOST: '127.0.0.3' }, { envFile: file });
    expect(s).toMatchObject({ port: 4100, host: '127.0.0.3', envFile: file });
    expect(s.environment.JNET21_CSV).toBe('/data/j-net21.csv');
    expect(parseSettings({}, { envFile: join(dir, 'missing.env') }).envFile).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SUBGRAPH_<NAME>_URL is a family: one entry per subgraph, replicas as a list', () => {
  expect(
    parse({
      SUBGRAPH_PROGRAMS_URL: 'http://10.0.0.5:4002/graphql, http://10.0.0.6:4002/graphql',
      SUBGRAPH_GROWTH_URL: 'http://10.0.0.7:4004/graphql',
    }).subgraphUrls,
  ).toEqual({
    programs: ['http://10.0.0.5:4002/graphql', 'http://10.0.0.6:4002/graphql'],
    growth: ['http://10.0.0.7:4004/graphql'],
  });
  expect(() => parse({ SUBGRAPH_PROGRAMS_URL: 'programs:4002' })).toThrow(
    /SUBGRAPH_PROGRAMS_URL: expected a comma-separated list/,
  );
});

test('production refuses development secrets; development makes them in the data folder, after validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-secrets-'));
  try {
    const production = parse({ NODE_ENV: 'production', MADOGUCHI_DATA_DIR: dir });
    expect(() => resolveSecrets(production)).toThrow(
      'NODE_ENV=production needs MADOGUCHI_JWKS_URL (or MADOGUCHI_JWT_SECRET) and MADOGUCHI_IDENTITY_SECRET',
    );
    // A subgraph process needs the identity secret only.
    expect(() => resolveSecrets(production, 'subgraph')).toThrow(/needs MADOGUCHI_IDENTITY_SECRET:/);
    expect(readdirSync(dir)).toEqual([]);
    const development = resolveSecrets(parse({ MADOGUCHI_DATA_DIR: dir }));
    expect(development.secrets).toMatchObject({ origin: 'development', created: true });
    expect(development.jwtSecret).toHaveLength(43);
    expect(readdirSync(dir)).toEqual(['secrets.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the start line names mode, store, demo and traces, never a password or secret', () => {
  const s = parse({
    DATABASE_URL: 'postgres://madoguchi:hunter2-password@db.internal:5433/network',
    MADOGUCHI_JWT_SECRET: 'a'.repeat(40),
    MADOGUCHI_IDENTITY_SECRET: 'b'.repeat(40),
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
  });
  const fields = startFields(resolveSecrets(s), { demo: false });
  expect(fields).toMatchObject({
    mode: 'development',
    store: 'PostgreSQL db.internal:5433/network',
    demo: 'off',
    traces: 'http://collector:4318/v1/traces (http/protobuf)',
  });
  const text = JSON.stringify(fields);
  expect(text).not.toMatch(/hunter2|aaaa|bbbb/);
  expect(describeStore({ dataDir: '.data', databaseUrl: undefined })).toBe('PGlite in .data');
});

test('each setting has a variable of its own, a description and a group', () => {
  const names = Object.values(SETTINGS).map((s) => s.env);
  expect(new Set(names).size).toBe(names.length);
  for (const s of Object.values(SETTINGS)) {
    expect(s.doc.length).toBeGreaterThan(10);
    expect(s.kind.expects.length).toBeGreaterThan(3);
  }
});
