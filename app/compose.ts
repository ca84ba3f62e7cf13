/**
 * Composes the supergraph ahead of time with @apollo/composition, so the gateway starts from a
 * file even while a subgraph is down. `npm run compose` writes gateway/supergraph.graphql,
 * printing errors and hints, and exits non-zero when composition fails.
 */
import { writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { DEFAULT_SUBGRAPH_PORTS, SUBGRAPHS } from '../subgraphs';
import type { SubgraphModule } from '../subgraphs/shared/module';
import { SUPERGRAPH_FILE } from '../gateway/supergraph';

export { SUPERGRAPH_FILE };

export function defaultSubgraphUrl(name: string): string {
  return `http://127.0.0.1:${DEFAULT_SUBGRAPH_PORTS[name] ?? 4010}/graphql`;
}

export function composeSupergraph(
  modules: SubgraphModule[] = SUBGRAPHS,
  urlOf: (name: string) => string = defaultSubgraphUrl,
): { supergraphSdl: string; hints: string[] } {
  const result = composeServices(modules.map((m) => ({ name: m.name, typeDefs: m.typeDefs, url: urlOf(m.name) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  return {
    supergraphSdl: result.supergraphSdl,
    hints: (result.hints ?? []).map((h) => `${h.definition.code}: ${h.message}`),
  };
}

if (require.main === module) {
  try {
    const { supergraphSdl, hints } = composeSupergraph();
    for (const h of hints) console.log(`hint ${h}`);
    writeFileSync(SUPERGRAPH_FILE, supergraphSdl.endsWith('\n') ? supergraphSdl : `${supergraphSdl}\n`);
    console.log(`supergraph written to gateway/supergraph.graphql (${SUBGRAPHS.map((s) => s.name).join(', ')})`);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
