/**
 * Live sources in the gateway: `startLiveSources` reads the declarations and composes the first
 * supergraph with them; with none declared it returns null and the gateway serves the committed
 * supergraph exactly as before (nothing of this module runs per request).
 */
import type { Logger } from 'pino';
import type { LiveSourceDeclaration } from '../../domain/liveSources';
import type { GatewayMetrics } from '../metrics';
import type { SubgraphClientOptions } from '../subgraph/client';
import type { SubgraphDefinition } from './composer';
import { LiveRegistry, type LiveSettings, type LiveSourceStatus } from './registry';

export { LiveRegistry, type LiveSettings, type LiveSourceStatus } from './registry';
export { firmScope, liveFieldsPlugin, rolesByType } from './plugin';
export { JWKS_PATH, liveJwks } from './identity';

export interface LiveOptions {
  /** The live sources declared now; read again at every check, so edits need no restart. */
  declarations: () => LiveSourceDeclaration[];
  /** A built-in subgraph's SDL by name (the gateway knows their names and URLs from its supergraph). */
  builtinSdl: (name: string) => string;
  settings?: Partial<LiveSettings>;
  /** Each source's state after every check (the embedded start keeps it in the store for `sources`). */
  onStatus?: (statuses: LiveSourceStatus[]) => void;
  env?: NodeJS.ProcessEnv;
}

export async function startLiveSources(
  options: LiveOptions,
  context: {
    /** The built-in supergraph and its subgraphs' URLs. */
    supergraphSdl: string;
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
    builtins: Object.entries(context.endpoints).map(
      ([name, url]): SubgraphDefinition => ({ name, url, sdl: options.builtinSdl(name) }),
    ),
    baseSupergraph: context.supergraphSdl,
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
