import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { SUPERGRAPH_FILE } from './supergraph';
import { EXAMPLE_OPERATIONS } from './explorer/examples';
import {
  canonicalOperations,
  createOperationRegistry,
  loadOperationSources,
  sha256Hex,
  WEB_MANIFEST,
} from './persistedOperations';
import { apqSettingsOf } from './gateway';
import { parseSettings } from '../server/settings';

const apqSettingsFromEnv = (env: Record<string, string>) => apqSettingsOf(parseSettings(env, { envFile: false }));

const apiSchema = Supergraph.build(readFileSync(SUPERGRAPH_FILE, 'utf8')).apiSchema().toGraphQLJSSchema();

test('every registered operation is valid against the supergraph', () => {
  const registry = createOperationRegistry();
  expect(registry.operations.length).toBeGreaterThanOrEqual(EXAMPLE_OPERATIONS.length + 5);
  for (const op of registry.operations) {
    const errors = validate(apiSchema, parse(op.text));
    expect({ source: op.source, errors: errors.map((e) => e.message) }).toEqual({ source: op.source, errors: [] });
  }
});

test('each registered operation has one text: no name is registered from two sources that differ', () => {
  // The one-stop page's search was registered twice (gateway/operations/OneStopSearch.graphql
  // beside the page's own FirmSearch) and the copies had drifted; the page's text is the one now.
  const texts = new Map<string, Map<string, string>>();
  for (const { source, text } of loadOperationSources()) {
    for (const [name, print] of canonicalOperations(parse(text))) {
      const key = name ?? `(anonymous in ${source})`;
      const seen = texts.get(key) ?? new Map<string, string>();
      seen.set(print, source);
      texts.set(key, seen);
    }
  }
  const twice = [...texts]
    .filter(([, prints]) => prints.size > 1)
    .map(([name, prints]) => [name, [...prints.values()]]);
  expect(twice).toEqual([]);
  expect(texts.has('FirmSearch')).toBe(true);
});

test('the safelist admits registered texts, their reformatted twins and registered hashes only', async () => {
  const registry = createOperationRegistry({ allowIntrospection: false });
  const example = EXAMPLE_OPERATIONS.find((e) => e.name === 'Directory')!;
  expect(registry.allows({ query: example.query })).toBe(true);
  expect(registry.allows({ hash: sha256Hex(example.query) })).toBe(true);
  const reformatted = example.query.replace(/^#.*\n/gm, '').replace(/\n\s*/g, ' ');
  expect(registry.allows({ query: reformatted })).toBe(true);
  expect(registry.allows({ query: '{ organizations { id name } }' })).toBe(false);
  expect(registry.allows({ hash: sha256Hex('{ organizations { id name } }') })).toBe(false);
  expect(registry.allows({ query: '{ __schema { types { name } } }' })).toBe(false);
  expect(
    createOperationRegistry({ allowIntrospection: true }).allows({ query: '{ __schema { types { name } } }' }),
  ).toBe(true);
  // Registered hashes are answered from the registry, so clients may send the hash alone.
  expect(await registry.apqCache.get(`apq:${sha256Hex(example.query)}`)).toBe(example.query);
});

test('the pages’ manifest is registered by the hashes client-preset wrote, bare or prefixed', () => {
  const registry = createOperationRegistry({ allowIntrospection: false });
  const manifest = JSON.parse(readFileSync(WEB_MANIFEST, 'utf8')) as Record<string, string>;
  expect(Object.keys(manifest).length).toBeGreaterThanOrEqual(4);
  for (const [id, text] of Object.entries(manifest)) {
    expect(registry.documentText(id)).toBe(text);
    expect(registry.documentText(id.slice('sha256:'.length))).toBe(text);
    expect(registry.allows({ hash: id.slice('sha256:'.length) })).toBe(true);
    expect(registry.allows({ query: text })).toBe(true);
  }
  expect(registry.documentText('sha256:' + '0'.repeat(64))).toBeUndefined();
  expect(registry.documentText('not a hash')).toBeUndefined();
});

describe('a manifest that does not hold stops the start, naming the file and the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Each case in a folder of its own, read as gateway/operations/ would be.
  const dirFor = (name: string, content: string) => {
    const own = mkdtempSync(join(dir, 'case-'));
    writeFileSync(join(own, name), content);
    return () => createOperationRegistry({ dir: own, examples: [], manifests: [] });
  };
  const text = 'query Q { organizations { id } }';

  test('a key that is not the hash of its text', () => {
    const wrong = `sha256:${sha256Hex('something else')}`;
    expect(dirFor('team-a.json', JSON.stringify({ [wrong]: text }))).toThrow(
      new RegExp(`gateway/operations/team-a\\.json ${wrong}.*expected sha256:${sha256Hex(text)}`),
    );
  });
  test('a key that is not a sha256 id, a text that is not a string, a file that is not JSON, a text that does not parse', () => {
    expect(dirFor('b.json', JSON.stringify({ abc: text }))).toThrow(
      /gateway\/operations\/b\.json: key "abc" is not a sha256 document id/,
    );
    expect(dirFor('c.json', JSON.stringify({ [`sha256:${sha256Hex(text)}`]: 42 }))).toThrow(
      /c\.json: the value of "sha256:[0-9a-f]{64}" must be the document's text/,
    );
    expect(dirFor('d.json', '{ not json')).toThrow(/d\.json is not JSON/);
    expect(dirFor('e.json', '["a"]')).toThrow(/e\.json must be an object/);
    expect(dirFor('f.json', JSON.stringify({ [`sha256:${sha256Hex('query {')}`]: 'query {' }))).toThrow(
      /f\.json sha256:[0-9a-f]{64} does not parse/,
    );
    const ok = mkdtempSync(join(dir, 'case-'));
    writeFileSync(join(ok, 'g.json'), JSON.stringify({ [`sha256:${sha256Hex(text)}`]: text }));
    expect(createOperationRegistry({ dir: ok, examples: [], manifests: [] }).documentText(sha256Hex(text))).toBe(text);
  });
});

test('automatic persisted queries: any client registers under open, none under safelist (production’s default); the store is bounded in bytes', async () => {
  const text = '{ organizations { id } }';
  const key = `apq:${sha256Hex(text)}`;
  const open = createOperationRegistry({ apqRegistration: 'open', apqBytes: 4096 });
  await open.apqCache.set(key, text);
  expect(await open.apqCache.get(key)).toBe(text);
  // Entries beyond the bytes push the oldest out; one larger than the whole store is not kept.
  for (let i = 0; i < 50; i++) await open.apqCache.set(`apq:${i}`, `{ a${i}: __typename }`);
  expect(open.apqStore.calculatedSize).toBeLessThanOrEqual(4096);
  expect(await open.apqCache.get(key)).toBeUndefined();
  await open.apqCache.set('apq:big', 'x'.repeat(10_000));
  expect(await open.apqCache.get('apq:big')).toBeUndefined();
  const safelisted = createOperationRegistry({ apqRegistration: 'safelist' });
  await safelisted.apqCache.set(key, text);
  expect(await safelisted.apqCache.get(key)).toBeUndefined();
  // Registered operations are still answered by hash.
  const example = EXAMPLE_OPERATIONS[0];
  expect(await safelisted.apqCache.get(`apq:${sha256Hex(example.query)}`)).toBe(example.query);
  expect(apqSettingsFromEnv({ NODE_ENV: 'production' }).registration).toBe('safelist');
  expect(apqSettingsFromEnv({}).registration).toBe('open');
  expect(apqSettingsFromEnv({ NODE_ENV: 'production', MADOGUCHI_APQ_REGISTRATION: 'open' }).registration).toBe('open');
  expect(() => apqSettingsFromEnv({ MADOGUCHI_APQ_REGISTRATION: 'anyone' })).toThrow(/MADOGUCHI_APQ_REGISTRATION/);
});
