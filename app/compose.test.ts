import { readFileSync } from 'node:fs';
import { SUPERGRAPH_FILE } from '../gateway/supergraph';
import { schemaChanges, unacknowledged } from './compose';

const sdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
// The committed supergraph with one client-visible field (and its description) removed.
// (Matched by shape: the field carries @join__field once another subgraph also declares Program.)
const removed = sdl.replace(/  """Upper limit in yen \(上限額\)[^\n]*"""\n  maxAmount: Float[^\n]*\n/, '');

test('a removed field is breaking; putting it back is safe', async () => {
  expect(removed).not.toBe(sdl);
  const breaking = await schemaChanges(sdl, removed);
  expect(breaking).toEqual([expect.objectContaining({ level: 'BREAKING', path: 'Program.maxAmount' })]);
  const back = await schemaChanges(removed, sdl);
  expect(back).toContainEqual(expect.objectContaining({ level: 'NON_BREAKING', path: 'Program.maxAmount' }));
  expect(back.filter((c) => c.level === 'BREAKING')).toEqual([]);
  expect(await schemaChanges(sdl, sdl)).toEqual([]);
});

test('a breaking change passes only with a CHANGELOG line the change added that names it', async () => {
  const changes = await schemaChanges(sdl, removed);
  const line = '- Breaking: `Program.maxAmount` removed; read `maxAmountText`.';
  expect(unacknowledged(changes, '# Changelog\n')).toHaveLength(1);
  expect(unacknowledged(changes, `# Changelog\n${line}\n`)).toEqual([]);
  // A line the base already had acknowledges an older change, not this one.
  expect(unacknowledged(changes, `# Changelog\n${line}\n`, `# Changelog\n${line}\n`)).toHaveLength(1);
  // Naming it without saying breaking is no acknowledgement.
  expect(unacknowledged(changes, '- `Program.maxAmount` tidied\n')).toHaveLength(1);
});
