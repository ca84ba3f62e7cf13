/**
 * What a start gives the gateway to compose agencies' own services: the live sources of the agency
 * files (read again when a file changes, so an edited source or acknowledgement needs no restart),
 * the built-in subgraphs' SDL from the source tree, and the limits of the settings' "Live sources"
 * group (MADOGUCHI_LIVE_*, server/settingsTuning.ts). An agency file may tighten its source's
 * limits (`limits:`), never loosen them.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { print } from 'graphql';
import { loadAgencyConfigs, type AgencyConfig } from '../adapters/core/config';
import { liveDeclarations, type LiveSourceCheck, type LiveSourceDeclaration } from '../domain/liveSources';
import type { LiveOptions, LiveSettings, LiveSourceStatus } from '../gateway/live';
import { subgraphEndpoints } from '../gateway/gatewaySettings';
import { checkLiveSources } from '../gateway/live/check';
import { SUPERGRAPH_FILE } from '../gateway/supergraph';
import { resolveSecrets, type Settings } from '../server/settings';
import { loadTypeDefs } from '../subgraphs/shared/module';

const SUBGRAPHS_DIR = join(__dirname, '..', 'subgraphs');

/** A built-in subgraph's SDL, from the source tree (no module, so no store, is loaded). */
export function builtinSdl(name: string): string {
  return print(loadTypeDefs(join(SUBGRAPHS_DIR, name)));
}

/** The live sources' limits from the settings. */
export function liveSettingsOf(
  settings: Pick<
    Settings,
    'liveTimeoutMs' | 'liveMaxResponseBytes' | 'liveConnections' | 'liveIntervalMs' | 'liveMaxSchemaElements'
  >,
): Partial<LiveSettings> {
  return {
    timeoutMs: settings.liveTimeoutMs,
    maxResponseBytes: settings.liveMaxResponseBytes,
    connections: settings.liveConnections,
    intervalMs: settings.liveIntervalMs,
    maxSchemaElements: settings.liveMaxSchemaElements,
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

/**
 * The gateway's live options: `env` holds the variables the agency files name (their keys), the
 * settings' environment with the demo's additions where it runs.
 */
export function liveOptionsFor(
  agenciesDir: string,
  settings: Settings,
  env: NodeJS.ProcessEnv = settings.environment,
  onStatus?: (statuses: LiveSourceStatus[]) => void,
): LiveOptions {
  return {
    declarations: liveDeclarationsOf(agenciesDir, env),
    builtinSdl,
    settings: liveSettingsOf(settings),
    env,
    onStatus,
  };
}

/**
 * `madoguchi agency check`'s part for live sources (adapters/sync/check.ts's LiveChecker): the
 * agency's live sources composed with the built-in subgraphs as the gateway would, and one
 * operation of each called. It lives here because composing needs the gateway's parts, which
 * adapters/ may not import. The call carries the install's identity (its development secret
 * outside production), so a service checking the gateway's identity accepts it.
 */
export function checkLive(
  agency: AgencyConfig,
  env: NodeJS.ProcessEnv,
  settings: Settings,
): Promise<LiveSourceCheck[]> {
  const baseSupergraph = readFileSync(SUPERGRAPH_FILE, 'utf8');
  const builtins = Object.entries(subgraphEndpoints(baseSupergraph)).map(([name, url]) => ({
    name,
    url,
    sdl: builtinSdl(name),
  }));
  return checkLiveSources(liveDeclarations([agency]), {
    builtins,
    baseSupergraph,
    identitySecret: resolveSecrets(settings, 'subgraph').identitySecret!,
    env,
  });
}
