/**
 * Live sources in the gateway: `startLiveSources` reads the declarations and composes the first
 * supergraph with them; with none declared it returns null and the gateway serves the committed
 * supergraph exactly as before (nothing of this module runs per request).
 */
import { join } from 'node:path';
import { print } from 'graphql';
import type { Logger } from 'pino';
import type { LiveSourceDeclaration } from '../../adapters/core/live';
import { loadTypeDefs } from '../../subgraphs/shared/module';
import type { GatewayMetrics } from '../metrics';
import type { SubgraphClientOptions } from '../subgraph/client';
import type { SubgraphDefinition } from './composer';
import { LiveRegistry, type LiveSettings, type LiveSourceStatus } from './registry';

export { LiveRegistry, type LiveSettings, type LiveSourceStatus } from './registry';
export { liveFieldsPlugin } from './plugin';
export { JWKS_PATH, liveJwks } from './identity';

export interface LiveOptions {
  /** The live sources declared now; read again at every check, so edits need no restart. */
  declarations: () => LiveSourceDeclaration[];
  settings?: Partial<LiveSettings>;
  /** Each source's state after every check (the embedded start keeps it in the store for `sources`). */
  onStatus?: (statuses: LiveSourceStatus[]) => void;
  env?: NodeJS.ProcessEnv;
}

const SUBGRAPHS_DIR = join(__dirname, '..', '..', 'subgraphs');

/** The built-in subgraphs as composition needs them: their SDL from the source tree, their URLs. */
export function builtinSubgraphs(endpoints: Record<string, string>): SubgraphDefinition[] {
  return Object.entries(endpoints).map(([name, url]) => ({
    name,
    url,
    sdl: print(loadTypeDefs(join(SUBGRAPHS_DIR, name))),
  }));
}

export async function startLiveSources(
  options: LiveOptions,
  context: {
    endpoints: Record<string, string>;
    identitySecret: string;
    logger: Logger;
    metrics?: GatewayMetrics;
    clientOptions?: Partial<SubgraphClientOptions>;
  },
): Promise<LiveRegistry | null> {
  if (options.declarations().length === 0) return null;
  const registry = new LiveRegistry({
    declarations: options.declarations,
    builtins: builtinSubgraphs(context.endpoints),
    identitySecret: context.identitySecret,
    settings: options.settings,
    env: options.env,
    logger: context.logger,
    metrics: context.metrics,
    clientOptions: context.clientOptions,
    onStatus: options.onStatus,
  });
  await registry.start();
  return registry;
}
