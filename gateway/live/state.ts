/**
 * What the live-source registry (./registry) is configured with and keeps per source: the
 * gateway's settings and their defaults, the registry's options, each source's state and the
 * status it shows (start log, /readyz, the graph's `sources`).
 */
import type { Logger } from 'pino';
import type { LiveSourceDeclaration } from '../../domain/liveSources';
import type { GatewayMetrics } from '../metrics';
import type { SubgraphClientOptions } from '../subgraph/client';
import type { SubgraphDefinition } from './composer';
import type { CallStats, LiveSubgraphSource, OpenApiBridgeSource } from './dataSources';
import type { GuardedFetch, LiveLimits } from './guard';
import type { OpenApiSubgraph } from './openapi';

/** A schema refused for what it claims of the built-in graph. */
export class OwnershipRefusal extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** The gateway's settings for live sources; an agency file may only tighten the limits. */
export interface LiveSettings extends LiveLimits {
  /** How often a source's schema is read again unless its file says otherwise. */
  intervalMs: number;
  /** Largest schema or document read. */
  maxSchemaBytes: number;
  /**
   * Most types, fields, arguments and enum values a source's schema may declare: composition and
   * the gateway's planner grow with it (a 25 KB schema of 2,200 adds about a second to each
   * composition), and a schema of 2 MiB would hold the composition thread for minutes.
   */
  maxSchemaElements: number;
}

export const DEFAULT_LIVE_SETTINGS: LiveSettings = {
  timeoutMs: 3_000,
  maxResponseBytes: 2 * 1024 * 1024,
  connections: 16,
  retries: 1,
  breakerThreshold: 5,
  breakerOpenMs: 5_000,
  intervalMs: 60_000,
  maxSchemaBytes: 2 * 1024 * 1024,
  maxSchemaElements: 1_500,
};

export interface LiveSourceStatus {
  /** `<agencyId>/<sourceId>`, the live subgraph's name. */
  id: string;
  agencyId: string;
  name: string;
  kind: 'graphql-subgraph' | 'openapi';
  /** The service's URL, or the OpenAPI document's location. */
  location: string;
  /** Whether its fields are part of the served graph. */
  composed: boolean;
  /** OK while composed and answering; FAILED when left out or its calls fail. */
  status: 'OK' | 'FAILED';
  /** Serving an older schema than the service now has (a change was refused, or it cannot be read). */
  stale: boolean;
  lastError: string | null;
  lastCheckedAt: string | null;
  /** When its schema in the graph last changed. */
  lastChangedAt: string | null;
  /** Median time of its last 100 calls, in ms. */
  latencyMs: number | null;
  circuit: 'closed' | 'open' | 'half-open';
  /** What it adds, as `Type.field`. */
  fields: string[];
}

export interface LiveRegistryOptions {
  /** The live sources the agency files declare now (read again at every check). */
  declarations: () => LiveSourceDeclaration[];
  /** The built-in subgraphs: names, URLs and SDL. */
  builtins: SubgraphDefinition[];
  /** Their supergraph, served as it is while no live source can be composed. */
  baseSupergraph: string;
  /** The gateway's identity secret: the agencies' identity key is derived from it. */
  identitySecret: string;
  settings?: Partial<LiveSettings>;
  /** Where credentials named in the files are read. */
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  metrics?: GatewayMetrics;
  /** Subgraph fetching defaults (the gateway's), tightened per source. */
  clientOptions?: Partial<SubgraphClientOptions>;
  /** Called with every source's state after each check and change. */
  onStatus?: (statuses: LiveSourceStatus[]) => void;
}

export interface SourceState {
  decl: LiveSourceDeclaration;
  name: string;
  label: string;
  /** The SDL in the served supergraph, and what it adds. */
  accepted?: { sdl: string; bridge?: OpenApiSubgraph };
  /** The SDL to compose this round. */
  candidate?: { sdl: string; bridge?: OpenApiSubgraph };
  composed: boolean;
  problems: string[];
  stale: boolean;
  lastCheckedAt: string | null;
  lastChangedAt: string | null;
  nextCheckAt: number;
  stats: CallStats;
  dataSource?: LiveSubgraphSource | OpenApiBridgeSource;
  guarded?: GuardedFetch;
  /** What the data source was made for: a changed URL or limit makes a new one. */
  dataSourceKey?: string;
}
