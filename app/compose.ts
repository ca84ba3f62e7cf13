/**
 * Composes the supergraph ahead of time with @apollo/composition, so the gateway starts from a
 * file even while a subgraph is down, and checks what the change does to clients: graphql-
 * inspector compares the API schemas and a breaking change must be acknowledged in CHANGELOG.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { diff } from '@graphql-inspector/core';
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

export interface SchemaChange {
  level: 'BREAKING' | 'DANGEROUS' | 'NON_BREAKING';
  /** The schema coordinate it touches, e.g. Query.programs or Program.maxAmount. */
  path: string;
  message: string;
}

/** What changes between two supergraphs' API schemas (what clients see), by graphql-inspector. */
export async function schemaChanges(before: string, after: string): Promise<SchemaChange[]> {
  const api = (sdl: string) => Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
  const changes = await diff(api(before), api(after));
  return changes.map((c) => ({
    level: c.criticality.level as SchemaChange['level'],
    path: c.path ?? '(schema)',
    message: c.message,
  }));
}

/**
 * Breaking changes not acknowledged in CHANGELOG.md: an acknowledgement is a line saying
 * "breaking" that names the change's coordinate in backticks (`Query.programs`) and that the
 * base's changelog did not have — so it comes with the change.
 */
export function unacknowledged(changes: SchemaChange[], changelog: string, baseChangelog = ''): SchemaChange[] {
  const lines = (text: string) => new Set(text.split('\n').filter((l) => /breaking/i.test(l)));
  const before = lines(baseChangelog);
  const added = [...lines(changelog)].filter((l) => !before.has(l));
  return changes.filter((c) => c.level === 'BREAKING' && !added.some((l) => l.includes(`\`${c.path}\``)));
}

const CHANGELOG = join(__dirname, '..', 'CHANGELOG.md');

function printChanges(changes: SchemaChange[]): void {
  for (const level of ['BREAKING', 'DANGEROUS', 'NON_BREAKING'] as const) {
    const some = changes.filter((c) => c.level === level);
    if (some.length) console.log(`${level.toLowerCase().replace('_', '-')} (${some.length}):`);
    for (const c of some) console.log(`  ${c.path}: ${c.message}`);
  }
  if (changes.length === 0) console.log('no change to the API schema');
}

/** The committed file at a git revision, or null where it did not exist. */
function atRevision(revision: string, file: string): string | null {
  const r = spawnSync('git', ['show', `${revision}:${file}`], { cwd: join(__dirname, '..'), encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

/**
 * `madoguchi compose [--check] [--against <rev>]` (`npm run compose`): composes the supergraph and
 * prints its API schema's changes against the committed one (breaking, dangerous, safe).
 * Without --check it writes gateway/supergraph.graphql, refusing (exit 1) while a breaking change
 * is not acknowledged in CHANGELOG.md. --check writes nothing: exit 1 when the committed file is
 * not what composition gives, or when, against the revision `--against` names (CI: the merge
 * base with main), a breaking change has no acknowledgement the branch added.
 */
export async function runCompose(options: { check?: boolean; against?: string } = {}): Promise<number> {
  let supergraphSdl: string;
  try {
    const composed = composeSupergraph();
    for (const h of composed.hints) console.log(`hint ${h}`);
    supergraphSdl = composed.supergraphSdl.endsWith('\n') ? composed.supergraphSdl : `${composed.supergraphSdl}\n`;
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
  const committed = existsSync(SUPERGRAPH_FILE) ? readFileSync(SUPERGRAPH_FILE, 'utf8') : null;
  const changelog = existsSync(CHANGELOG) ? readFileSync(CHANGELOG, 'utf8') : '';
  if (options.check) {
    if (committed !== supergraphSdl) {
      console.error('gateway/supergraph.graphql is not what composition gives: run npm run compose and commit it');
      return 1;
    }
    if (!options.against) return 0;
    const base = atRevision(options.against, 'gateway/supergraph.graphql');
    if (base === null) {
      console.log(`no supergraph at ${options.against}: nothing to compare`);
      return 0;
    }
    const changes = await schemaChanges(base, supergraphSdl);
    console.log(`API schema changes since ${options.against}:`);
    printChanges(changes);
    const open = unacknowledged(changes, changelog, atRevision(options.against, 'CHANGELOG.md') ?? '');
    for (const c of open)
      console.error(
        `unacknowledged breaking change ${c.path}: add a line to CHANGELOG.md saying "Breaking: \`${c.path}\` …" and why`,
      );
    return open.length ? 1 : 0;
  }
  if (committed !== null) {
    const changes = await schemaChanges(committed, supergraphSdl);
    printChanges(changes);
    const open = unacknowledged(changes, changelog);
    if (open.length) {
      for (const c of open)
        console.error(
          `unacknowledged breaking change ${c.path}: add a line to CHANGELOG.md saying "Breaking: \`${c.path}\` …" and why`,
        );
      console.error('gateway/supergraph.graphql left as it was');
      return 1;
    }
  }
  writeFileSync(SUPERGRAPH_FILE, supergraphSdl);
  console.log(`supergraph written to gateway/supergraph.graphql (${SUBGRAPHS.map((s) => s.name).join(', ')})`);
  return 0;
}
