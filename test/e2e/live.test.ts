/**
 * Agencies' own services joined live, as shipped: the demo technology centre's equipment subgraph
 * and the guarantee corporation's OpenAPI fee calculator run as processes of their own, declared in
 * the agency files (read every second here), and the embedded start composes them. One query
 * answers built-in and live fields; each service killed under load costs only its own fields; a
 * compatible change is picked up, a breaking one refused (last good schema kept) until the file
 * acknowledges it; an override of a built-in field is refused naming the agency; each service
 * receives only the caller's role and agency, signed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startEmbedded, type Embedded } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { liveIdentityKeys, requestDigest, signLiveIdentity } from '../../gateway/live/identity';
import { ANONYMOUS } from '../../server/identity';
import { parseSettings } from '../../server/settings';
import { EQUIPMENT_SCHEMA_FILE } from '../../demo/live/equipment';
import { embeddedTestStore } from '../support/store';
import { FIXED_NOW } from '../support/paths';
import { eventually, liveAgenciesDir, startLiveService, type LiveService } from '../support/live';

const JWT_SECRET = new TextEncoder().encode('live-sources-test-jwt-secret-of-length');
const identitySecret = randomBytes(32).toString('base64url');
const apiKey = randomBytes(16).toString('hex');
const work = mkdtempSync(join(tmpdir(), 'madoguchi-live-'));

let app: Embedded;
let url: string;
let base: string;
let equipment: LiveService;
let fees: LiveService;
let agencies: string;

interface Answer {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function gql(query: string, token?: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as Answer;
}

async function liveSource(agencyId: string, token: string) {
  const r = await gql(
    `{ sources(agencyId: "${agencyId}") { id kind entity status stale lastError live { composed circuit latencyMs fields } } }`,
    token,
  );
  return (r.data!.sources as Array<Record<string, any>>).find((s) => s.entity === 'LIVE')!;
}

// Each change starts from the schema the service serves now.
let served = readFileSync(EQUIPMENT_SCHEMA_FILE, 'utf8');

function schemaVariant(name: string, edit: (sdl: string) => string): string {
  const file = join(work, `${name}.graphql`);
  served = edit(served);
  writeFileSync(file, served);
  return file;
}

let coordinator: string;

beforeAll(async () => {
  [equipment, fees] = await Promise.all([
    startLiveService('equipment', { identitySecret, dir: work }),
    startLiveService('fees', { identitySecret, dir: work, apiKey }),
  ]);
  agencies = liveAgenciesDir();
  app = await startEmbedded({
    // The demo agencies' files read their services' URLs and the fee key from the settings' environment.
    settings: parseSettings(
      { MADOGUCHI_DEMO_EQUIPMENT_URL: equipment.url, MADOGUCHI_DEMO_FEES_URL: fees.url, HYOGO_CGC_FEES_KEY: apiKey },
      { envFile: false },
    ),
    ...(await embeddedTestStore('demo')),
    agenciesDir: agencies,
    port: 0,
    host: '127.0.0.1',
    sync: 'never',
    now: FIXED_NOW,
    logger: pino({ level: 'silent' }),
    auth: { secret: JWT_SECRET },
    gateway: { identitySecret },
  });
  base = `http://127.0.0.1:${app.gateway.port}`;
  url = `${base}/graphql`;
  coordinator = await signDevelopmentToken({ role: 'coordinator' }, JWT_SECRET);
});

afterAll(async () => {
  await app?.close();
  await Promise.all([equipment?.stop(), fees?.stop()]);
});

const MIXED = `{
  organization(id: "hyogo-itc") { name kind equipment { id name ratePerHour } }
  programs(first: 20, filter: { providerIds: ["hyogo-cgc"] }) { edges { node { id title guaranteeFee(amount: 10000000) { feeYen ratePercent } } } }
}`;

test('one query answers built-in and live fields together, as the agencies compute them', async () => {
  const r = await gql(MIXED);
  expect(r.errors).toBeUndefined();
  expect(r.data!.organization.name).toBe('兵庫県立工業技術センター');
  expect(r.data!.organization.kind).toBe('PUBLIC_RESEARCH_INSTITUTE');
  const machines = r.data!.organization.equipment as Array<{ id: string; ratePerHour: number }>;
  expect(machines.length).toBeGreaterThan(3);
  expect(machines.find((m) => m.id === 'itc-sem-01')?.ratePerHour).toBe(6200);
  const edges = r.data!.programs.edges as Array<{ node: { id: string; guaranteeFee: { feeYen: number } | null } }>;
  expect(edges.length).toBeGreaterThan(3);
  // Each fee is the corporation's own answer for that programme, asked of it directly here.
  for (const { node } of edges) {
    const path = `/v1/programs/${encodeURIComponent(node.id)}/fee?amount=10000000`;
    const identity = await signLiveIdentity(liveIdentityKeys(identitySecret), ANONYMOUS, {
      audience: 'hyogo-cgc/fees',
      digest: requestDigest({ method: 'GET', path }),
    });
    const direct = await fetch(`${fees.url}${path}`, {
      headers: { 'x-api-key': apiKey, 'madoguchi-identity': identity },
    });
    expect([200, 404]).toContain(direct.status);
    if (direct.status === 404) expect(node.guaranteeFee).toBeNull();
    else expect(node.guaranteeFee?.feeYen).toBe(((await direct.json()) as { feeYen: number }).feeYen);
  }
  expect(edges.some(({ node }) => node.guaranteeFee !== null)).toBe(true);
  // The live sources are in `sources`, with what they add.
  const source = await liveSource('hyogo-itc', coordinator);
  expect(source).toMatchObject({ id: 'hyogo-itc/equipment', kind: 'GRAPHQL_SUBGRAPH', status: 'OK', stale: false });
  expect(source.live).toMatchObject({ composed: true, circuit: 'CLOSED' });
  expect(source.live.fields).toEqual(expect.arrayContaining(['Organization.equipment', 'Equipment.ratePerHour']));
  expect(source.live.fields).not.toContain('Organization.id');
});

test('each service receives the caller’s role and agency only, signed for it', async () => {
  const staff = await signDevelopmentToken(
    { role: 'staff', agency: 'hyogo-iac', sub: 'tanaka@example.jp' },
    JWT_SECRET,
  );
  for (const [token, expected] of [
    [staff, { role: 'staff', agency: 'hyogo-iac' }],
    [coordinator, { role: 'coordinator' }],
    [undefined, { role: 'anonymous' }],
  ] as const) {
    const r = await gql(`{ equipmentList { id } guaranteeFeesListGuaranteePrograms { programId } }`, token);
    expect(r.errors).toBeUndefined();
    for (const service of [equipment, fees]) {
      const last = (await service.received()).at(-1)!;
      // The service verified the signature with the gateway's published key, for its own audience.
      expect(last.identity).toEqual(expected);
      // Nothing of who the person is: no subject, no name.
      expect(last.claims).toEqual(
        ['aud', 'bh', 'exp', 'iat', 'iss', 'jti', 'role', ...('agency' in expected ? ['agency'] : [])].sort(),
      );
    }
  }
  // The key set agencies verify with is published by the gateway.
  const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as {
    keys: Array<{ kty: string; d?: string }>;
  };
  expect(jwks.keys[0].kty).toBe('OKP');
  expect(jwks.keys[0].d).toBeUndefined();
});

/** Sends built-in-only and mixed queries from `workers` loops until `stop`; counts what came back. */
async function load(stop: Promise<void>, mixed: string, check: (a: Answer) => void) {
  const builtin = '{ organizations { id name } programs(first: 5) { edges { node { id title provider { name } } } } }';
  let done = false;
  void stop.then(() => (done = true));
  const counts = { builtin: 0, builtinFailed: 0, mixed: 0 };
  const loop = async (query: string, kind: 'builtin' | 'mixed') => {
    while (!done) {
      const a = await gql(query);
      if (kind === 'builtin') {
        counts.builtin += 1;
        if (a.errors || !a.data?.organizations?.length || a.data.programs.edges.length !== 5) counts.builtinFailed += 1;
      } else {
        counts.mixed += 1;
        check(a);
      }
    }
  };
  await Promise.all([1, 2, 3].flatMap(() => [loop(builtin, 'builtin'), loop(mixed, 'mixed')]));
  return counts;
}

test('either service killed mid-load costs only its own fields; /readyz says degraded naming it', async () => {
  for (const [service, source, mixed, liveOf] of [
    [
      equipment,
      'hyogo-itc/equipment',
      `{ organization(id: "hyogo-itc") { name equipment { name } } }`,
      (a: Answer) => a.data?.organization?.equipment,
    ],
    [
      fees,
      'hyogo-cgc/fees',
      `{ program(id: "hyogo-cgc:CGC-01") { title guaranteeFee(amount: 5000000) { feeYen } } }`,
      (a: Answer) => a.data?.program?.guaranteeFee,
    ],
  ] as const) {
    const agency = source.split('/')[0];
    let nulls = 0;
    let killed = false;
    const stop = new Promise<void>((resolve) => setTimeout(resolve, 4_000));
    setTimeout(() => void service.stop('SIGKILL').then(() => (killed = true)), 1_500);
    const counts = await load(stop, mixed, (a) => {
      // The built-in part of a mixed answer is always there.
      const parent = a.data?.organization ?? a.data?.program;
      expect(parent?.name ?? parent?.title).toBeTruthy();
      if (liveOf(a) === null || liveOf(a) === undefined) {
        nulls += 1;
        expect(a.errors?.[0].message).toContain(`agency "${agency}"`);
        expect(a.errors?.[0].extensions).toMatchObject({ agency });
      }
    });
    expect(killed).toBe(true);
    expect(counts.builtin).toBeGreaterThan(10);
    expect(counts.builtinFailed).toBe(0);
    expect(nulls).toBeGreaterThan(0);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const checks = ((await ready.json()) as { checks: Record<string, string> }).checks;
    expect(checks[`live:${source}`]).toMatch(new RegExp(`^degraded: agency "${agency}"`));
    await service.restart();
    // Back once its circuit lets a probe through.
    await eventually(async () => ((liveOf(await gql(mixed)) ?? null) !== null ? true : undefined), 30_000);
  }
});

test('a compatible change is picked up without a restart', async () => {
  await equipment.restart(
    schemaVariant('compatible', (sdl) =>
      sdl.replace('  "Who runs it."', '  "Maker (製造元)."\n  manufacturer: String\n  "Who runs it."'),
    ),
  );
  const r = await eventually(async () => {
    const a = await gql('{ equipment(id: "itc-sem-01") { name manufacturer } }');
    return a.errors ? undefined : a;
  });
  expect(r.data!.equipment).toEqual({ name: '走査型電子顕微鏡（SEM-EDS）', manufacturer: null });
});

test('a breaking change to a field clients use is refused, the last good schema serving, until acknowledged', async () => {
  expect((await gql('{ equipmentList { ratePerHour } }')).errors).toBeUndefined();
  await equipment.restart(
    schemaVariant('breaking', (sdl) => sdl.replace(/\n {2}"What a firm pays[^\n]*\n {2}ratePerHour: Int!/, '')),
  );
  const source = await eventually(async () => {
    // (While the service restarts, its schema cannot be read: also stale, with that error.)
    const s = await liveSource('hyogo-itc', coordinator);
    return s.stale && s.lastError?.includes('breaking') ? s : undefined;
  });
  expect(source.lastError).toMatch(/^agency "hyogo-itc" \(source equipment\): breaking change refused/);
  expect(source.lastError).toContain('Equipment.ratePerHour');
  expect(source.live.composed).toBe(true);
  // The served graph still has the field: a client's query is not refused by validation.
  const still = await gql('{ equipmentList { name } organizations { id } }');
  expect(still.errors).toBeUndefined();
  expect((await gql('{ equipmentList { ratePerHour } }')).errors?.[0].extensions?.code).not.toBe(
    'GRAPHQL_VALIDATION_FAILED',
  );
  const ready = (await (await fetch(`${base}/readyz`)).json()) as { status: string; checks: Record<string, string> };
  expect(ready.status).toBe('ready');
  expect(ready.checks['live:hyogo-itc/equipment']).toMatch(/degraded: .*serves its last good schema/);

  // The agency file acknowledges it: picked up at the next check, no restart.
  const file = join(agencies, 'hyogo-itc.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(
      '    interval: 1s',
      '    interval: 1s\n    acceptBreaking: [Equipment.ratePerHour]',
    ),
  );
  await eventually(async () => {
    const a = await gql('{ equipmentList { ratePerHour } }');
    return a.errors?.[0].extensions?.code === 'GRAPHQL_VALIDATION_FAILED' ? true : undefined;
  });
  // The graph's `sources` follow the registry's state once it is written to the store, a moment
  // after the gateway serves the new schema.
  const settled = await eventually(async () => {
    const s = await liveSource('hyogo-itc', coordinator);
    return s.stale ? undefined : s;
  });
  expect(settled.stale).toBe(false);
});

test('a live source that overrides a built-in field is refused with an error naming the agency', async () => {
  await equipment.restart(
    schemaVariant('override', (sdl) =>
      sdl.replace('  id: ID!\n  "Equipment open', '  id: ID!\n  name: String\n  "Equipment open'),
    ),
  );
  const source = await eventually(async () => {
    const s = await liveSource('hyogo-itc', coordinator);
    return s.lastError?.includes('Organization.name') ? s : undefined;
  });
  expect(source.lastError).toContain(
    'agency "hyogo-itc" (source equipment): Organization.name is defined by the built-in subgraph "organizations"',
  );
  // The directory still answers the name itself.
  const r = await gql('{ organization(id: "hyogo-itc") { name } }');
  expect(r.data!.organization.name).toBe('兵庫県立工業技術センター');
});
