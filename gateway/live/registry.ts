/**
 * The live-source registry: every `graphql-subgraph` and `openapi` source the agency files
 * declare, composed into the gateway's supergraph beside the built-in subgraphs, and kept so.
 *
 * At start and then at each source's interval it reads the agency files again (a source added,
 * changed or removed is picked up), reads each source's schema (`_service { sdl }` or the `sdl`
 * file; the OpenAPI document, turned into a subgraph by the bridge) and, when anything changed,
 * composes again on the composition thread and hands the new supergraph to the gateway (no
 * restart). What it refuses keeps the last good supergraph serving:
 *
 * - a source whose SDL breaks the ownership rules or does not compose is left out (or kept at its
 *   last good schema) with the composition's errors, each naming the agency;
 * - a breaking change (graphql-inspector) to a field clients have used since this gateway started
 *   is refused until the agency file acknowledges it (`acceptBreaking`), keeping the last good
 *   schema of that source.
 *
 * Each source's state — composed or not, its circuit, the median time of its recent calls, its
 * last error — is shown in the start log, /readyz (degraded, never failed: the rest of the graph
 * serves) and, through `onStatus`, in the graph's `sources` (the store keeps it).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { GraphQLDataSource } from '@apollo/gateway';
import { parse, print, type DocumentNode } from 'graphql';
import { request as undiciRequest } from 'undici';
import type { LiveSourceDeclaration } from '../../domain/liveSources';
import { ANONYMOUS, type Viewer } from '../../server/identity';
import { SubgraphClient } from '../subgraph/client';
import { composeWithLive, createComposer, type LiveCandidate, type LiveComposition } from './composer';
import { CallStats, LiveSubgraphSource, OpenApiBridgeSource } from './dataSources';
import { createGuardedFetch, type LiveLimits } from './guard';
import { LIVE_IDENTITY_HEADER, liveIdentityKeys, requestDigest, signLiveIdentity } from './identity';
import { buildOpenApiSubgraph } from './openapi';
import { builtinTypesOf, ownershipProblems, requiredFieldsOf, schemaElements, type BuiltinTypes } from './ownership';
import { breakingRefusal, fieldsOf, subgraphSchema } from './schemas';
import {
  DEFAULT_LIVE_SETTINGS,
  OwnershipRefusal,
  type LiveRegistryOptions,
  type LiveSettings,
  type LiveSourceStatus,
  type SourceState,
} from './state';

export { DEFAULT_LIVE_SETTINGS, type LiveRegistryOptions, type LiveSettings, type LiveSourceStatus };

const nowIso = () => new Date().toISOString();

export class LiveRegistry {
  private readonly states = new Map<string, SourceState>();
  private readonly composer = createComposer();
  private settings!: LiveSettings;
  private env!: NodeJS.ProcessEnv;
  private readonly keys;
  private supergraph: string;
  /** The supergraph the gateway was last handed (at initialize or by `update`). */
  private served?: string;
  private update?: (sdl: string) => void;
  private running: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private closed = false;
  /** `Type.field` coordinates clients have asked for since start: breaking them needs acknowledging. */
  readonly used = new Set<string>();
  /** Live field → the built-in fields its @requires reads, by `Type.field`. */
  requires = new Map<string, string[]>();
  /** Live field coordinate → the source that owns it. */
  owners = new Map<string, string>();
  private readonly composedListeners: Array<() => void> = [];
  /** Every built-in `Type.field`: key fields a live source repeats are not its own. */
  private builtinFields!: Set<string>;
  private builtinTypes!: BuiltinTypes;
  private reported = '';
  private reportedLatencies = '';
  private reportedAt = 0;
  /** What each accepted SDL adds, worked out once per SDL. */
  private readonly added = new Map<string, string[]>();

  constructor(private options: LiveRegistryOptions) {
    this.keys = liveIdentityKeys(options.identitySecret);
    this.supergraph = '';
    this.configure({});
  }

  private configure(late: Partial<LiveRegistryOptions>): void {
    const options = (this.options = { ...this.options, ...late });
    this.settings = { ...DEFAULT_LIVE_SETTINGS, ...options.settings };
    this.env = options.env ?? {};
    this.builtinFields = new Set(options.builtins.flatMap((b) => fieldsOf(b.sdl)));
    this.builtinTypes = builtinTypesOf(options.builtins.map((b) => ({ name: b.name, typeDefs: parse(b.sdl) })));
  }

  /**
   * Reads every source and composes the first supergraph. A registry made before its sources
   * could be known (the embedded start's early gateway, which serves the built-in supergraph
   * meanwhile) is given them here: `late` completes its options.
   */
  async start(late?: Partial<LiveRegistryOptions>): Promise<string> {
    if (late) this.configure(late);
    await this.check(true);
    if (this.closed) return this.supergraph;
    // Each source is read at its own interval; a second's tick finds the ones due.
    this.timer = setInterval(() => void this.checkDue(), 1_000);
    this.timer.unref();
    return this.supergraph;
  }

  /** For ApolloGateway's `supergraphSdl`: serves the composed supergraph and every later one. */
  get manager() {
    return {
      initialize: async ({ update }: { update: (sdl: string) => void }) => {
        this.update = update;
        // Not started yet (an early gateway): the built-in supergraph until the first composition.
        this.served = this.supergraph || this.options.baseSupergraph;
        return { supergraphSdl: this.served, cleanup: async () => this.close() };
      },
    };
  }

  /** Calls `listener` now and after every composition. */
  onComposed(listener: () => void): void {
    this.composedListeners.push(listener);
    listener();
  }

  get supergraphSdl(): string {
    return this.supergraph;
  }

  /** The data source of a live subgraph by name, or undefined for a built-in one. */
  dataSource(name: string): GraphQLDataSource<Record<string, unknown>> | undefined {
    return this.states.get(name)?.dataSource;
  }

  /** The SDL of a source in the served supergraph. */
  acceptedSdl(name: string): string | undefined {
    return this.states.get(name)?.accepted?.sdl;
  }

  isLive(name: string): boolean {
    return this.states.has(name);
  }

  statuses(): LiveSourceStatus[] {
    return [...this.states.values()].map((s) => this.statusOf(s));
  }

  /** /readyz checks, one per source: degraded (shown, still ready) unless it is composed and answering. */
  readinessChecks(): Record<string, () => Promise<void | string>> {
    const checks: Record<string, () => Promise<void | string>> = {};
    for (const name of this.states.keys()) {
      checks[`live:${name}`] = async () => {
        const state = this.states.get(name);
        if (!state) return;
        const s = this.statusOf(state);
        if (s.status === 'OK' && !s.stale) return;
        return `degraded: ${state.label} ${s.composed ? (s.stale ? 'serves its last good schema' : 'is failing') : 'is left out of the graph'}${s.lastError ? `: ${s.lastError.split('\n')[0].replace(`${state.label}: `, '').slice(0, 300)}` : ''}`;
      };
    }
    return checks;
  }

  /** Reads and composes every source now (what the interval does), e.g. after an agency file changed. */
  refresh(): Promise<void> {
    return this.check(true);
  }

  private closing?: Promise<void>;

  close(): Promise<void> {
    return (this.closing ??= this.shutDown());
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running.catch(() => {});
    await this.composer.close();
    await Promise.all(
      [...this.states.values()].map(async (s) => {
        await s.guarded?.close();
        if (s.dataSource instanceof LiveSubgraphSource) await s.dataSource.client.close();
      }),
    );
  }

  private checkDue(): Promise<void> {
    const now = Date.now();
    if (![...this.states.values()].some((s) => s.nextCheckAt <= now)) {
      this.report();
      return this.running;
    }
    return this.check(false);
  }

  /** Tells `onStatus` when any source's state (its latency, its circuit…) changed since last told. */
  private report(): void {
    const statuses = this.statuses();
    // Latency moves with every call: it alone is told at most every 15 s.
    const signature = JSON.stringify(statuses.map(({ lastCheckedAt: _, latencyMs: __, ...rest }) => rest));
    const latencies = JSON.stringify(statuses.map((s) => s.latencyMs));
    const stale = Date.now() - this.reportedAt > 15_000 && latencies !== this.reportedLatencies;
    if (signature === this.reported && !stale) return;
    this.reported = signature;
    this.reportedLatencies = latencies;
    this.reportedAt = Date.now();
    this.options.onStatus?.(statuses);
  }

  /** One round, never two at once. */
  private check(all: boolean): Promise<void> {
    this.running = this.running
      .then(() => (this.closed ? undefined : this.round(all)))
      .catch((e: Error) => {
        // A round that ends while the gateway stops (a start that failed, a shutdown) has nothing to tell.
        if (!this.closed) this.options.logger.error({ err: e.message }, 'live sources: check failed');
      });
    return this.running;
  }

  private async round(all: boolean): Promise<void> {
    let declared: LiveSourceDeclaration[];
    try {
      declared = this.options.declarations();
    } catch (e) {
      this.options.logger.warn(
        { err: (e as Error).message },
        'live sources: agency files unreadable, the sources known stay',
      );
      declared = [...this.states.values()].map((s) => s.decl);
    }
    const names = new Set<string>();
    let changed = false;
    for (const decl of declared) {
      const name = `${decl.agencyId}/${decl.id}`;
      names.add(name);
      let state = this.states.get(name);
      if (!state) {
        state = {
          decl,
          name,
          label: `agency "${decl.agencyId}" (source ${decl.id})`,
          composed: false,
          problems: [],
          stale: false,
          lastCheckedAt: null,
          lastChangedAt: null,
          nextCheckAt: 0,
          stats: new CallStats(),
        };
        this.states.set(name, state);
        changed = true;
      } else if (JSON.stringify(state.decl) !== JSON.stringify(decl)) {
        state.decl = decl;
        state.nextCheckAt = 0;
        changed = true;
      }
    }
    for (const name of [...this.states.keys()]) {
      if (names.has(name)) continue;
      const gone = this.states.get(name)!;
      this.states.delete(name);
      await gone.guarded?.close();
      changed = true;
    }
    const now = Date.now();
    const due = [...this.states.values()].filter((s) => all || s.nextCheckAt <= now);
    await Promise.all(due.map((s) => this.readSchema(s)));
    if (changed || due.some((s) => s.candidate && s.candidate.sdl !== s.accepted?.sdl) || !this.supergraph)
      await this.compose();
    this.reported = '';
    this.report();
  }

  private limitsOf(decl: LiveSourceDeclaration): LiveLimits {
    const own = decl.limits ?? {};
    const s = this.settings;
    return {
      ...s,
      timeoutMs: Math.min(own.timeoutMs ?? s.timeoutMs, s.timeoutMs),
      maxResponseBytes: Math.min(own.maxResponseBytes ?? s.maxResponseBytes, s.maxResponseBytes),
      connections: Math.min(own.connections ?? s.connections, s.connections),
    };
  }

  /** The credential the file names, from the environment; a missing variable fails the source. */
  private credential(decl: LiveSourceDeclaration): Record<string, string> {
    if (!decl.auth) return {};
    const value = this.env[decl.auth.env];
    if (value === undefined || value === '') throw new Error(`environment variable ${decl.auth.env} is not set`);
    return { [decl.auth.header.toLowerCase()]: `${decl.auth.prefix}${value}` };
  }

  private sign(name: string, viewer: Viewer, digest: string): Promise<Record<string, string>> {
    return signLiveIdentity(this.keys, viewer, { audience: name, digest }).then((jwt) => ({
      [LIVE_IDENTITY_HEADER]: jwt,
    }));
  }

  /** A document from a URL (bounded, timed, with the credential) or a file beside the agency file. */
  private async readDocument(state: SourceState, location: string, post?: string): Promise<string> {
    const { decl } = state;
    if (!/^https?:\/\//.test(location)) return readFile(resolve(decl.dir, location), 'utf8');
    const limits = this.limitsOf(decl);
    const headers: Record<string, string> = {
      accept: post ? 'application/json' : 'application/yaml, application/json, text/yaml, */*',
      ...this.credential(decl),
    };
    if (post) headers['content-type'] = 'application/json';
    // The gateway asks as nobody in particular, signed like every call.
    const url = new URL(location);
    const digest = requestDigest(post ? { body: post } : { method: 'GET', path: `${url.pathname}${url.search}` });
    Object.assign(headers, await this.sign(state.name, ANONYMOUS, digest));
    const res = await undiciRequest(location, {
      method: post ? 'POST' : 'GET',
      headers,
      body: post,
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
      signal: AbortSignal.timeout(limits.timeoutMs * 2),
    });
    const max = this.settings.maxSchemaBytes;
    if (Number(res.headers['content-length']) > max) {
      res.body.destroy();
      throw new Error(`its schema is larger than ${max} bytes`);
    }
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > max) {
        res.body.destroy();
        throw new Error(`its schema is larger than ${max} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    if (res.statusCode >= 400) throw new Error(`reading its schema answered HTTP ${res.statusCode}`);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Reads the source's schema now; a failure keeps what was accepted before. */
  private async readSchema(state: SourceState): Promise<void> {
    const { decl } = state;
    state.lastCheckedAt = nowIso();
    state.nextCheckAt = Date.now() + (decl.interval ?? this.settings.intervalMs);
    try {
      this.ensureDataSource(state);
      if (decl.kind === 'graphql-subgraph') {
        let sdl: string;
        if (decl.sdl) sdl = await this.readDocument(state, decl.sdl);
        else {
          const text = await this.readDocument(state, decl.url, '{"query":"{ _service { sdl } }"}');
          const body = JSON.parse(text) as { data?: { _service?: { sdl?: unknown } } };
          if (typeof body?.data?._service?.sdl !== 'string')
            throw new Error(
              'it does not answer `_service { sdl }` (declare an `sdl` file, or check it is a Federation 2 subgraph)',
            );
          sdl = body.data._service.sdl;
        }
        state.candidate = { sdl };
      } else {
        const text = await this.readDocument(state, decl.spec);
        const bridge = await buildOpenApiSubgraph(
          { agencyId: decl.agencyId, id: decl.id, prefix: decl.prefix, baseUrl: decl.baseUrl, links: decl.links },
          text,
          (url, init, ctx) => state.guarded!(url, init, ctx),
          (m) => this.options.logger.debug({ source: state.name, message: m }, 'OpenAPI bridge'),
        );
        state.candidate = { sdl: print(bridge.typeDefs), bridge };
      }
      const document = parse(state.candidate.sdl);
      const elements = schemaElements(document);
      if (elements > this.settings.maxSchemaElements)
        throw new OwnershipRefusal([
          `${state.label}: its schema declares ${elements} types, fields, arguments and enum values, more than the ${this.settings.maxSchemaElements} a live source may (MADOGUCHI_LIVE_MAX_SCHEMA_ELEMENTS)`,
        ]);
      // What breaks the ownership rules is refused before anything else is said about it.
      const trespass = ownershipProblems(state.label, document, this.builtinTypes);
      if (trespass.length > 0) throw new OwnershipRefusal(trespass);
      if (state.accepted && state.candidate.sdl !== state.accepted.sdl) {
        const refusal = await breakingRefusal(state, state.accepted.sdl, state.candidate.sdl, this.used);
        if (refusal) {
          state.problems = [refusal];
          state.stale = true;
          state.candidate = state.accepted;
          return;
        }
      }
      state.problems = [];
      state.stale = false;
    } catch (e) {
      if (e instanceof OwnershipRefusal) {
        state.problems = e.problems;
        state.stale = !!state.accepted;
        state.candidate = state.accepted;
        return;
      }
      const code =
        (e as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ?? (e as { code?: unknown })?.code;
      // A connection's failure by its code only: the library's message names hosts and ports.
      const message =
        typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)
          ? `its schema could not be read (connection failed: ${code})`
          : e instanceof Error
            ? e.message
            : String(e);
      state.problems = [`${state.label}: ${message}`];
      state.stale = !!state.accepted;
      state.candidate = state.accepted;
    }
  }

  /**
   * Makes the source's data source, once: the gateway keeps it for the source's name. When the
   * source's URL or limits change, what it calls through (its client, its guarded fetch) is replaced.
   */
  private ensureDataSource(state: SourceState): void {
    const { decl } = state;
    const limits = this.limitsOf(decl);
    const key = JSON.stringify([
      decl.kind,
      decl.kind === 'graphql-subgraph' ? decl.url : decl.baseUrl,
      limits,
      decl.auth,
    ]);
    if (state.dataSourceKey === key) return;
    state.dataSourceKey = key;
    const extensions = { agency: decl.agencyId, source: decl.id };
    if (decl.kind === 'graphql-subgraph') {
      const client = new SubgraphClient(
        state.name,
        decl.url,
        this.options.identitySecret,
        {
          ...this.options.clientOptions,
          timeoutMs: limits.timeoutMs,
          connections: limits.connections,
          retries: limits.retries,
          breakerThreshold: limits.breakerThreshold,
          breakerOpenMs: limits.breakerOpenMs,
          untrusted: {
            label: state.label,
            extensions,
            maxResponseBytes: limits.maxResponseBytes,
            signHeaders: async (viewer, body) => ({
              ...this.credential(decl),
              ...(await this.sign(state.name, viewer, requestDigest({ body }))),
            }),
          },
        },
        this.options.metrics,
      );
      if (state.dataSource instanceof LiveSubgraphSource) {
        const previous = state.dataSource.client;
        state.dataSource.client = client;
        void previous.close();
      } else state.dataSource = new LiveSubgraphSource(client, state.stats);
      return;
    }
    const previous = state.guarded;
    state.guarded = createGuardedFetch({
      origin: decl.baseUrl,
      limits,
      headers: () => this.credential(decl),
      identity: (viewer, r) =>
        this.sign(state.name, viewer, requestDigest(r.body ? { body: r.body } : { method: r.method, path: r.path })),
      onCall: ({ ok, ms, error }) => state.stats.record(ok, ms, error),
    });
    void previous?.close();
    state.dataSource ??= new OpenApiBridgeSource(
      subgraphSchema('type Query { _unused: Boolean }'),
      state.name,
      state.label,
      extensions,
    );
  }

  private async compose(): Promise<void> {
    const candidates: LiveCandidate[] = [];
    for (const s of this.states.values()) {
      const url = s.decl.kind === 'graphql-subgraph' ? s.decl.url : `http://openapi.invalid/${s.name}`;
      if (s.candidate) candidates.push({ name: s.name, url, sdl: s.candidate.sdl, label: s.label });
    }
    // Nothing to add (every source unreadable): the built-in supergraph, without composing.
    const compose = (list: LiveCandidate[]): Promise<LiveComposition> =>
      list.length === 0
        ? Promise.resolve({ supergraphSdl: this.options.baseSupergraph, hints: [], accepted: [], refused: new Map() })
        : composeWithLive(this.options.builtins, list, this.composer.compose);
    let result = await compose(candidates);
    // A changed schema that does not compose: the source's last good one, if it had one, instead.
    const retry = candidates.filter((c) => {
      const s = this.states.get(c.name)!;
      return result.refused.has(c.name) && s.accepted && s.accepted.sdl !== c.sdl;
    });
    const refusedFirst = new Map(result.refused);
    if (retry.length > 0) {
      const again = candidates.map((c) => {
        const s = this.states.get(c.name)!;
        return retry.includes(c) ? { ...c, sdl: s.accepted!.sdl } : c;
      });
      result = await compose(again);
    }
    const at = nowIso();
    for (const s of this.states.values()) {
      const firstRefusal = refusedFirst.get(s.name);
      const inGraph = result.accepted.includes(s.name);
      if (inGraph && retry.some((c) => c.name === s.name)) {
        // Kept at its last good schema.
        s.problems = firstRefusal ?? s.problems;
        s.stale = true;
        s.candidate = s.accepted;
      } else if (inGraph) {
        if (s.accepted?.sdl !== s.candidate?.sdl) {
          s.accepted = s.candidate;
          s.lastChangedAt = at;
          if (s.dataSource instanceof OpenApiBridgeSource && s.accepted?.bridge)
            s.dataSource.schema = s.accepted.bridge.schema;
        }
      } else if (s.candidate) {
        s.problems = result.refused.get(s.name) ?? firstRefusal ?? s.problems;
      }
      const was = s.composed;
      s.composed = inGraph;
      if (was !== s.composed || s.problems.length > 0)
        this.log(
          s,
          s.composed
            ? s.problems.length
              ? 'kept at its last good schema'
              : 'joined the graph'
            : 'left out of the graph',
        );
    }
    this.requires = new Map();
    this.owners = new Map();
    for (const s of this.states.values()) {
      if (!s.composed || !s.accepted) continue;
      for (const [field, needs] of requiredFieldsOf(parse(s.accepted.sdl))) this.requires.set(field, needs);
      for (const f of this.addedBy(s.accepted.sdl)) this.owners.set(f, s.name);
    }
    for (const listener of this.composedListeners) listener();
    if (result.supergraphSdl !== this.supergraph) {
      this.supergraph = result.supergraphSdl;
      if (this.update && this.served !== this.supergraph) {
        this.served = this.supergraph;
        this.update(this.supergraph);
      }
      for (const h of result.hints) this.options.logger.debug({ hint: h }, 'live composition hint');
    }
  }

  private addedBy(sdl: string): string[] {
    let fields = this.added.get(sdl);
    if (!fields) {
      if (this.added.size > 100) this.added.clear();
      this.added.set(sdl, (fields = fieldsOf(sdl, this.builtinFields)));
    }
    return fields;
  }

  private log(s: SourceState, what: string): void {
    const entry = {
      source: s.name,
      agency: s.decl.agencyId,
      kind: s.decl.kind,
      errors: s.problems.length ? s.problems : undefined,
    };
    if (s.problems.length) this.options.logger.warn(entry, `live source ${s.name} ${what}`);
    else this.options.logger.info(entry, `live source ${s.name} ${what}`);
  }

  private statusOf(s: SourceState): LiveSourceStatus {
    const circuit =
      s.dataSource instanceof LiveSubgraphSource
        ? s.dataSource.client.circuitState
        : (s.guarded?.circuitState ?? 'closed');
    const failing = s.stats.failing > 0 || circuit === 'open';
    const lastError = s.problems.length ? s.problems.join('\n') : failing ? s.stats.lastError : null;
    return {
      id: s.name,
      agencyId: s.decl.agencyId,
      name: s.decl.id,
      kind: s.decl.kind,
      location: s.decl.kind === 'graphql-subgraph' ? s.decl.url : s.decl.spec,
      composed: s.composed,
      status: s.composed && !failing ? 'OK' : 'FAILED',
      stale: s.stale,
      lastError,
      lastCheckedAt: s.lastCheckedAt,
      lastChangedAt: s.lastChangedAt,
      latencyMs: s.stats.latencyMs,
      circuit,
      fields:
        s.composed && s.accepted ? this.addedBy(s.accepted.sdl).filter((f) => !/^(Query|Mutation)\._/.test(f)) : [],
    };
  }
}

export type { DocumentNode };
