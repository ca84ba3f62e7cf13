/**
 * What a start gives the gateway to compose agencies' own services: the live sources of the agency
 * files (read again when a file changes, so an edited source or acknowledgement needs no restart),
 * the built-in subgraphs' SDL from the source tree, and the limits set in the environment:
 *
 *   MADOGUCHI_LIVE_TIMEOUT_MS          per call to an agency's service (default 3000)
 *   MADOGUCHI_LIVE_MAX_RESPONSE_BYTES  largest answer taken from one (default 2 MiB)
 *   MADOGUCHI_LIVE_CONNECTIONS         connections to each (default 16)
 *   MADOGUCHI_LIVE_INTERVAL_MS         how often schemas are read again (default 60000)
 *   MADOGUCHI_LIVE_MAX_SCHEMA_ELEMENTS types, fields, arguments and enum values a source may declare (default 1500)
 *
 * An agency file may tighten its source's limits (`limits:`), never loosen them.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { print } from 'graphql';
import { loadAgencyConfigs } from '../adapters/core/config';
import { liveDeclarations, type LiveSourceDeclaration } from '../domain/liveSources';
import type { LiveOptions, LiveSettings, LiveSourceStatus } from '../gateway/live';
import { intFromEnv } from '../server/env';
import { loadTypeDefs } from '../subgraphs/shared/module';

const SUBGRAPHS_DIR = join(__dirname, '..', 'subgraphs');

/** A built-in subgraph's SDL, from the source tree (no module, so no store, is loaded). */
export function builtinSdl(name: string): string {
  return print(loadTypeDefs(join(SUBGRAPHS_DIR, name)));
}

export function liveSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<LiveSettings> {
  return {
    timeoutMs: intFromEnv(env, 'MADOGUCHI_LIVE_TIMEOUT_MS', 3_000) || 3_000,
    maxResponseBytes: intFromEnv(env, 'MADOGUCHI_LIVE_MAX_RESPONSE_BYTES', 2 * 1024 * 1024) || 2 * 1024 * 1024,
    connections: intFromEnv(env, 'MADOGUCHI_LIVE_CONNECTIONS', 16) || 16,
    intervalMs: Math.max(1_000, intFromEnv(env, 'MADOGUCHI_LIVE_INTERVAL_MS', 60_000)),
    maxSchemaElements: intFromEnv(env, 'MADOGUCHI_LIVE_MAX_SCHEMA_ELEMENTS', 1_500) || 1_500,
  };
}

/** The agency files' live sources, parsed again only when a file of the folder changed. */
export function liveDeclarationsOf(agenciesDir: string, env: NodeJS.ProcessEnv): () => LiveSourceDeclaration[] {
  let stamp = '';
  let declared: LiveSourceDeclaration[] = [];
  return () => {
    const files = readdirSync(agenciesDir).filter((f) => /\.ya?ml$/.test(f));
    const now = files.map((f) => `${f}:${statSync(join(agenciesDir, f)).mtimeMs}`).join('|');
    if (now !== stamp) {
      declared = liveDeclarations(loadAgencyConfigs(agenciesDir, env));
      stamp = now;
    }
    return declared;
  };
}

export function liveOptionsFor(
  agenciesDir: string,
  env: NodeJS.ProcessEnv = process.env,
  onStatus?: (statuses: LiveSourceStatus[]) => void,
): LiveOptions {
  return {
    declarations: liveDeclarationsOf(agenciesDir, env),
    builtinSdl,
    settings: liveSettingsFromEnv(env),
    env,
    onStatus,
  };
}
