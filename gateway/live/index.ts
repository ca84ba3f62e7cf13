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
import { LiveRegistry, type LiveRegistryOptions, type LiveSettings, type LiveSourceStatus } from './registry';

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

/** What the gateway gives the live sources: its built-in supergraph, identity, logger and metrics. */
export interface LiveContext {
  /** The built-in supergraph and its subgraphs' URLs. */
  supergraphSdl: string;
  endpoints: Record<string, string>;
  identitySecret: string;
  logger: Logger;
  metrics?: GatewayMetrics;
  clientOptions?: Partial<SubgraphClientOptions>;
}

function registryOptions(options: LiveOptions, context: LiveContext): LiveRegistryOptions {
  return {
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
  };
}

export async function startLiveSources(options: LiveOptions, context: LiveContext): Promise<LiveRegistry | null> {
  if (options.declarations().length === 0) return null;
  const registry = new LiveRegistry(registryOptions(options, context));
  await registry.start();
  return registry;
}

/**
 * Live sources whose options are known only later (the embedded start builds its gateway while
 * the back end, which runs the demo's services and keeps the sources' state, is starting): the
 * registry is made now and serves the built-in supergraph; `started` composes the sources once
 * `options` resolves, exactly as startLiveSources would, and tells whether any is declared (none:
 * the registry is closed and nothing of it runs per request).
 */
export function deferLiveSources(
  options: Promise<LiveOptions | undefined>,
  context: LiveContext,
): { registry: LiveRegistry; started: Promise<boolean> } {
  const registry = new LiveRegistry({
    ...registryOptions({ declarations: () => [], builtinSdl: () => '' }, context),
    builtins: [],
  });
  const started = options.then(async (late) => {
    if (!late || late.declarations().length === 0) {
      await registry.close();
      return false;
    }
    await registry.start(registryOptions(late, context));
    return true;
  });
  return { registry, started };
}
