/**
 * Typed clients by client-preset, over real HTTP with MADOGUCHI_SAFELIST=true: the pages' and the
 * example client's operations, and the explorer's examples, are served by the hashes client-preset
 * itself computes (run here on the examples' texts), sent as `documentId` or as an automatic
 * persisted query; the committed generated files and the registered manifest are current; and
 * unknown, malformed or ambiguous ids are refused with a code, never run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { startDemoEmbedded } from '../support/demo';
import { type Embedded } from '../../app/embedded';
import { EXAMPLE_OPERATIONS } from '../../gateway/explorer/examples';
import { OPERATIONS_DIR, WEB_MANIFEST } from '../../gateway/persistedOperations';
import { ROOT } from '../support/paths';

const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const codegen = (...args: string[]): Array<{ filename: string; content: string }> =>
  JSON.parse(
    execFileSync(tsx, [join(ROOT, 'test', 'support', 'codegen-outputs.ts'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  );

let app: Embedded;
let url: string;
let examplesManifest: Record<string, string>;
const scratch = mkdtempSync(join(tmpdir(), 'madoguchi-persisted-'));

beforeAll(async () => {
  // client-preset, not this gateway's code, computes the examples' hashes.
  for (const e of EXAMPLE_OPERATIONS) writeFileSync(join(scratch, `${e.name}.graphql`), e.query);
  const outputs = codegen('--documents', scratch);
  examplesManifest = JSON.parse(outputs.find((o) => o.filename.endsWith('persisted-documents.json'))!.content);
  app = await startDemoEmbedded({
    gateway: { safelist: true },
  });
  url = `http://127.0.0.1:${app.gateway.port}/graphql`;
});

afterAll(async () => {
  await app?.close();
  rmSync(scratch, { recursive: true, force: true });
});

type Answer = {
  status: number;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
};

async function post(body: unknown, method: 'POST' | 'GET' = 'POST'): Promise<Answer> {
  const res =
    method === 'POST'
      ? await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      : await fetch(`${url}?${new URLSearchParams(body as Record<string, string>)}`, {
          headers: { accept: 'application/json' },
        });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const PERSISTED_REFUSALS = [
  'PERSISTED_QUERY_NOT_ALLOWED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
];
const refusal = (a: Answer) =>
  a.body.errors?.find((e) => PERSISTED_REFUSALS.includes(e.extensions?.code ?? ''))?.extensions?.code;

test('the committed client types and manifests are what client-preset generates now', () => {
  for (const o of codegen('clients/example/codegen.ts')) {
    expect({ file: o.filename, same: readFileSync(join(ROOT, o.filename), 'utf8') === o.content }).toEqual({
      file: o.filename,
      same: true,
    });
  }
  // The example's manifest is registered with the gateway as the README says.
  expect(JSON.parse(readFileSync(join(OPERATIONS_DIR, 'clients-example.json'), 'utf8'))).toEqual(
    JSON.parse(readFileSync(join(ROOT, 'clients', 'example', 'gql', 'persisted-documents.json'), 'utf8')),
  );
});

test('every explorer example runs under the safelist by the hash client-preset computes', async () => {
  expect(Object.keys(examplesManifest).length).toBe(EXAMPLE_OPERATIONS.length);
  for (const documentId of Object.keys(examplesManifest)) {
    expect(documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const asDocument = await post({ documentId, variables: { text: '創業', corporateNumber: '1234567890123' } });
    expect({ documentId, refused: refusal(asDocument) }).toEqual({ documentId, refused: undefined });
    // The same hash as an automatic persisted query, with and without its prefix.
    for (const sha256Hash of [documentId, documentId.slice('sha256:'.length)]) {
      const asApq = await post({
        extensions: { persistedQuery: { version: 1, sha256Hash } },
        variables: { text: '創業', corporateNumber: '1234567890123' },
      });
      expect({ sha256Hash, refused: refusal(asApq) }).toEqual({ sha256Hash, refused: undefined });
    }
  }
  // A public example answers with data; one needing a token is refused for that reason alone.
  const directoryId = Object.entries(examplesManifest).find(([, text]) => text.startsWith('query Directory '))![0];
  const answer = await post({ documentId: directoryId });
  expect(answer.status).toBe(200);
  expect(answer.body.data?.organizations.length).toBeGreaterThan(10);
  const statsId = Object.entries(examplesManifest).find(([, text]) => text.startsWith('query AnalystStatistics '))![0];
  const stats = await post({ documentId: statsId });
  expect(stats.status).toBe(401);
  expect(stats.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});

test('the pages’ and the example client’s operations run by documentId, by POST and by GET', async () => {
  const web = JSON.parse(readFileSync(WEB_MANIFEST, 'utf8')) as Record<string, string>;
  const search = Object.keys(web).find((id) => web[id].includes('query FirmSearch'))!;
  const posted = await post({ documentId: search, variables: { text: '創業', first: 3 } });
  expect(posted.body.errors).toBeUndefined();
  expect(posted.body.data?.search.edges.length).toBe(3);
  const got = await post({ documentId: search, variables: JSON.stringify({ text: '創業', first: 3 }) }, 'GET');
  expect(got.body.data).toEqual(posted.body.data);
  const example = JSON.parse(readFileSync(join(OPERATIONS_DIR, 'clients-example.json'), 'utf8')) as Record<
    string,
    string
  >;
  const financing = Object.keys(example).find((id) => example[id].includes('query FinancingNear'))!;
  const near = await post({ documentId: financing, variables: { municipalityCode: '281000' } });
  expect(near.body.errors).toBeUndefined();
  expect(near.body.data?.search.totalCount).toBeGreaterThan(0);
});

test('unknown, malformed and ambiguous document ids are refused with a code', async () => {
  const unknown = await post({ documentId: `sha256:${'0'.repeat(64)}` });
  expect([unknown.status, unknown.body.errors?.[0].extensions?.code]).toEqual([400, 'PERSISTED_QUERY_NOT_FOUND']);
  for (const documentId of ['sha256:zz', 'md5:abc', 42, { sha256: 'x' }, '']) {
    const bad = await post({ documentId });
    expect({ documentId, status: bad.status, code: bad.body.errors?.[0].extensions?.code }).toEqual({
      documentId,
      status: 400,
      code: 'PERSISTED_QUERY_NOT_FOUND',
    });
  }
  const both = await post({ documentId: Object.keys(examplesManifest)[0], query: '{ organizations { id } }' });
  expect([both.status, both.body.errors?.[0].extensions?.code]).toEqual([400, 'BAD_REQUEST']);
  const unregistered = await post({ query: '{ organizations { id name phone } }' });
  expect([unregistered.status, unregistered.body.errors?.[0].extensions?.code]).toEqual([
    400,
    'PERSISTED_QUERY_NOT_ALLOWED',
  ]);
});
