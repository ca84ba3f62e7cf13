/**
 * The composition thread is bounded in time and heap: a composition that outlives either answers
 * as a composition error instead of holding live sources (and the gateway's schema updates) for
 * ever, and the next composition gets a new thread.
 */
import { print } from 'graphql';
import { SUBGRAPHS } from '../../subgraphs';
import { createComposer, type SubgraphDefinition } from './composer';

const builtins: SubgraphDefinition[] = SUBGRAPHS.map((m) => ({
  name: m.name,
  url: `http://127.0.0.1:1/${m.name}`,
  sdl: print(m.typeDefs),
}));

/** A legal subgraph of `types` types of 20 fields each. */
function wide(types: number): SubgraphDefinition {
  const body = Array.from(
    { length: types },
    (_, t) => `type Wide${t} { ${Array.from({ length: 20 }, (_, f) => `f${f}: String`).join(' ')} }`,
  ).join('\n');
  const fields = Array.from({ length: types }, (_, t) => `w${t}: Wide${t}`).join(' ');
  return {
    name: 'wide',
    url: 'http://127.0.0.1:1/wide',
    sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Query { ${fields} }\n${body}`,
  };
}

test('the built-in subgraphs compose on the thread', async () => {
  const composer = createComposer();
  try {
    const r = await composer.compose(builtins);
    expect(r.errors).toBeUndefined();
    expect(r.supergraphSdl).toMatch(/join__graph/);
  } finally {
    await composer.close();
  }
}, 60_000);

test('a composition past its time is stopped and answered as an error', async () => {
  const composer = createComposer({ timeoutMs: 1 });
  try {
    // Nothing composes in a millisecond (the thread alone takes longer to start).
    const r = await composer.compose(builtins);
    expect(r.supergraphSdl).toBeUndefined();
    expect(r.errors).toEqual(['the composition took longer than 1 ms and was stopped']);
  } finally {
    await composer.close();
  }
});

test('a composition past its heap stops its thread, answers as an error, and the next one gets a new thread', async () => {
  const composer = createComposer({ maxHeapMb: 96 });
  try {
    const r = await composer.compose([...builtins, wide(6_000)]);
    expect(r.supergraphSdl).toBeUndefined();
    expect(r.errors?.[0]).toMatch(/^the composition (stopped|thread exited)/);
    const again = await composer.compose(builtins);
    expect(again.errors).toBeUndefined();
    expect(again.supergraphSdl).toMatch(/join__graph/);
  } finally {
    await composer.close();
  }
}, 120_000);
