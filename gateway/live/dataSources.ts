/**
 * How the gateway fetches a live source's fields. A `graphql-subgraph` goes through the same
 * SubgraphClient as the built-in subgraphs, marked untrusted (bounded answers, its own limits,
 * circuit and retry budget, errors that cost only its fields); an `openapi` source is executed
 * in-process by the bridge, its calls to the agency guarded (./guard). Both record each call's
 * time and outcome for the source's status, and every error they produce names the agency.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { execute, GraphQLError, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { countObjects, type ExecutionBudget } from '../../server/budget';
import type { SubgraphClient } from '../subgraph/client';
import { LiveSourceError } from './guard';

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** The time and outcome of a live source's recent calls. */
export class CallStats {
  private readonly times: number[] = [];
  lastError: string | null = null;
  lastErrorAt: string | null = null;
  /** Failures since the last success. */
  failing = 0;

  record(ok: boolean, ms: number, error?: string): void {
    this.times.push(ms);
    if (this.times.length > 100) this.times.shift();
    if (ok) this.failing = 0;
    else {
      this.failing += 1;
      this.lastError = error ?? 'failed';
      this.lastErrorAt = new Date().toISOString();
    }
  }

  /** Median of the last 100 calls, in ms. */
  get latencyMs(): number | null {
    if (this.times.length === 0) return null;
    const sorted = [...this.times].sort((a, b) => a - b);
    return Math.round(sorted[Math.floor(sorted.length / 2)]);
  }
}

function requestContext(options: GraphQLDataSourceProcessOptions<Record<string, unknown>>): {
  budget?: ExecutionBudget;
} & Record<string, unknown> {
  const incoming = 'incomingRequestContext' in options ? options.incomingRequestContext : undefined;
  return (incoming?.context ?? options.context ?? {}) as { budget?: ExecutionBudget };
}

/** A live GraphQL subgraph: the shared client, timed. */
export class LiveSubgraphSource implements GraphQLDataSource<Record<string, unknown>> {
  constructor(
    /** Replaced when the source's URL or limits change; the gateway keeps this object. */
    public client: SubgraphClient,
    readonly stats: CallStats,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<Record<string, unknown>>): Promise<GatewayResponse> {
    const started = performance.now();
    try {
      const response = await this.client.process(options as never);
      this.stats.record(true, performance.now() - started);
      return response;
    } catch (e) {
      // A request given up on for its own budget says nothing about the agency's service.
      if (!requestContext(options).budget?.exceeded)
        this.stats.record(false, performance.now() - started, e instanceof Error ? e.message : String(e));
      throw e;
    }
  }
}

interface UpstreamHttpError {
  response?: { status?: unknown; body?: { message?: unknown } };
}

/** An OpenAPI source: its bridge schema executed here, its errors told in the graph's words. */
export class OpenApiBridgeSource implements GraphQLDataSource<Record<string, unknown>> {
  private readonly documents = new Map<string, DocumentNode>();

  constructor(
    public schema: GraphQLSchema,
    private readonly name: string,
    private readonly label: string,
    private readonly extensions: Record<string, string>,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<Record<string, unknown>>): Promise<GatewayResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const ctx = requestContext(options);
    ctx.budget?.check();
    let document = this.documents.get(request.query);
    if (!document) {
      document = parse(request.query);
      // The gateway's plans send a bounded set of operations; this only saves parsing them again.
      if (this.documents.size >= 500) this.documents.clear();
      this.documents.set(request.query, document);
    }
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: ctx,
    });
    if (ctx.budget?.exceeded) throw ctx.budget.exceeded;
    if (ctx.budget && result.data) ctx.budget.addObjects(countObjects(result.data, ctx.budget.limits.maxObjects));
    const errors = (result.errors ?? []).flatMap((e) => this.told(e));
    return { data: result.data as never, ...(errors.length ? { errors } : {}) };
  }

  /** One execution error as the client sees it; a 404 of the service is no value, not an error. */
  private told(error: GraphQLError): GraphQLError[] {
    const cause = error.originalError;
    const upstream = (error.extensions as UpstreamHttpError | undefined)?.response;
    const status = typeof upstream?.status === 'number' ? upstream.status : undefined;
    const at = { path: error.path, extensions: { serviceName: this.name, ...this.extensions } };
    if (status === 404) return [];
    if (cause instanceof LiveSourceError) {
      const code = cause.code === 'RESPONSE_TOO_LARGE' ? 'SUBGRAPH_UNAVAILABLE' : cause.code;
      return [
        new GraphQLError(`${this.label} is unavailable: ${cause.message}`, {
          ...at,
          extensions: { ...at.extensions, code },
        }),
      ];
    }
    if (status !== undefined && status >= 400 && status < 500) {
      const said = typeof upstream?.body?.message === 'string' ? `: ${upstream.body.message.slice(0, 300)}` : '';
      return [
        new GraphQLError(`${this.label} refused the call (HTTP ${status})${said}`, {
          ...at,
          extensions: { ...at.extensions, code: 'BAD_USER_INPUT' },
        }),
      ];
    }
    if (status !== undefined)
      return [
        new GraphQLError(`${this.label} is unavailable: it answered HTTP ${status}`, {
          ...at,
          extensions: { ...at.extensions, code: 'SUBGRAPH_UNAVAILABLE' },
        }),
      ];
    // Argument coercion and the like: the caller's input, told in Mesh's words (no URL in them).
    return [
      new GraphQLError(`${this.label}: ${error.message.slice(0, 300)}`, {
        ...at,
        extensions: { ...at.extensions, code: 'BAD_USER_INPUT' },
      }),
    ];
  }
}
