/**
 * A response cache for public data only: whole answers to anonymous callers' queries that select
 * no field coming solely from a private subgraph (consultations and growth by default), kept for a short TTL
 * and dropped whenever a sync changes data. It is consulted only once Apollo has accepted the
 * request — parsed, validated, its persisted-query hash and version checked, its operation found,
 * the role checks and cost limit passed — in the `responseForOperation` hook, so a malformed
 * request gets its own error, never a cached 200. Answers are keyed by the caller's role (only
 * anonymous answers are stored), the document's hash, the operation name and the variables.
 *
 * Where answers are kept is behind `ResponseCacheStore` (in memory here; a shared store such as
 * Redis can stand in for it across replicas).
 */
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type DocumentNode,
  type FormattedExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { boundedCache, type BoundedCache } from './caches';
import { hasFields } from '../server/cost';
import { forEachSelectedField } from './operationFields';
import type { Settings } from '../server/settings';

export interface ResponseCacheOptions {
  enabled: boolean;
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
  /** Subgraphs whose own fields make an operation private. */
  privateSubgraphs: string[];
}

export function responseCacheOptionsOf(s: Settings): ResponseCacheOptions {
  return {
    enabled: s.responseCache,
    ttlMs: s.responseCacheTtlMs,
    maxEntries: s.responseCacheMaxEntries,
    maxBytes: s.responseCacheMaxMB * 1024 * 1024,
    privateSubgraphs: s.privateSubgraphs,
  };
}

/**
 * `Type.field` coordinates that only the given subgraphs resolve, read from the supergraph's
 * join directives: fields with @join__field for those graphs alone, and every field of types that
 * only those graphs define.
 */
export function privateFieldsOf(supergraphSdl: string, subgraphs: string[]): Set<string> {
  const document = parse(supergraphSdl);
  const graphOf = new Map<string, string>();
  for (const d of document.definitions) {
    if (d.kind !== Kind.ENUM_TYPE_DEFINITION || d.name.value !== 'join__Graph') continue;
    for (const v of d.values ?? []) {
      const name = v.directives
        ?.find((x) => x.name.value === 'join__graph')
        ?.arguments?.find((a) => a.name.value === 'name')?.value;
      if (name?.kind === Kind.STRING) graphOf.set(v.name.value, name.value);
    }
  }
  const isPrivate = (graphs: string[]) =>
    graphs.length > 0 && graphs.every((g) => subgraphs.includes(graphOf.get(g) ?? g));
  // The graphs a type or field directive names; a field a graph only declares as external does
  // not come from that graph.
  const graphsOf = (directives: readonly ConstDirectiveNode[] | undefined, directive: string): string[] =>
    (directives ?? [])
      .filter((x) => x.name.value === directive)
      .filter(
        (x) =>
          !x.arguments?.some(
            (a) =>
              (a.name.value === 'external' || a.name.value === 'usedOverridden') &&
              a.value.kind === Kind.BOOLEAN &&
              a.value.value,
          ),
      )
      .flatMap((x) => {
        const v = x.arguments?.find((a) => a.name.value === 'graph')?.value;
        return v?.kind === Kind.ENUM ? [v.value] : [];
      });
  const typeGraphs = new Map<string, string[]>();
  const fields: Array<{ type: string; field: string; graphs: string[] }> = [];
  for (const d of document.definitions) {
    if (!hasFields(d)) continue;
    const type = d.name.value;
    typeGraphs.set(type, [...(typeGraphs.get(type) ?? []), ...graphsOf(d.directives, 'join__type')]);
    for (const f of d.fields ?? [])
      fields.push({ type, field: f.name.value, graphs: graphsOf(f.directives, 'join__field') });
  }
  const result = new Set<string>();
  for (const { type, field, graphs } of fields) {
    if (isPrivate(graphs.length ? graphs : (typeGraphs.get(type) ?? []))) result.add(`${type}.${field}`);
  }
  return result;
}

/** Whether an operation is a query that selects no private field (fragments followed). */
export function isPublicOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  privateFields: Set<string>,
): boolean {
  if (operation.operation !== 'query') return false;
  let isPublic = true;
  forEachSelectedField(schema, document, operation, (parent, node) => {
    if (!parent || privateFields.has(`${parent.name}.${node.name.value}`)) {
      isPublic = false;
      return false;
    }
    return undefined;
  });
  return isPublic;
}

/** A stored answer: the result as Apollo would send it. */
export type CachedResult = FormattedExecutionResult;

/** Where answers are kept: one process's memory, or a store shared by replicas. */
export interface ResponseCacheStore {
  get(key: string): Promise<CachedResult | undefined>;
  /** `bytes`: the answer's serialized size, for stores bounded by memory. */
  set(key: string, value: CachedResult, bytes: number): Promise<void>;
  /** Drops every answer: called when a sync changed data. */
  invalidate(): Promise<void> | void;
}

/** The in-memory store: an LRU bounded by entries and bytes, with the options' TTL. */
export class ResponseCache implements ResponseCacheStore {
  readonly entries: BoundedCache<{ value: CachedResult; bytes: number }>;

  constructor(readonly options: ResponseCacheOptions) {
    this.entries = boundedCache({
      maxEntries: options.maxEntries,
      maxBytes: options.maxBytes,
      ttlMs: options.ttlMs,
      // A parsed answer takes about twice its JSON text.
      sizeOf: (v) => v.bytes * 2,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<CachedResult | undefined> {
    return this.entries.get(key)?.value;
  }

  async set(key: string, value: CachedResult, bytes: number): Promise<void> {
    this.entries.set(key, { value, bytes });
  }

  invalidate(): void {
    this.entries.clear();
  }
}

/**
 * Answers public anonymous operations from `cache` once Apollo accepted them, and stores their
 * error-free answers. `onLookup` counts hits and misses.
 */
export function responseCachePlugin(
  cache: ResponseCacheStore,
  privateFields: Set<string>,
  onLookup: (result: 'hit' | 'miss') => void = () => {},
): ApolloServerPlugin<{ viewer?: { role: string } }> {
  const decisions = new WeakMap<OperationDefinitionNode, boolean>();
  return {
    async requestDidStart({ contextValue }) {
      // Only anonymous answers are shared: an answer that depends on who asks is never stored.
      if ((contextValue.viewer?.role ?? 'anonymous') !== 'anonymous') return;
      let key: string | undefined;
      let hit = false;
      return {
        async responseForOperation({ document, operation, schema, queryHash, request }) {
          let decision = decisions.get(operation);
          if (decision === undefined) {
            decision = isPublicOperation(schema, document, operation, privateFields);
            decisions.set(operation, decision);
          }
          if (!decision) return null;
          // Variables were parsed from JSON and their depth bounded by the HTTP front.
          key = `anonymous\u0000${queryHash}\u0000${request.operationName ?? ''}\u0000${JSON.stringify(request.variables ?? null)}`;
          const cached = await cache.get(key);
          onLookup(cached ? 'hit' : 'miss');
          if (!cached) return null;
          hit = true;
          return {
            http: { status: undefined, headers: new HeaderMap([['x-cache', 'hit']]) },
            body: { kind: 'single', singleResult: cached },
          };
        },
        async willSendResponse({ response }) {
          if (!key || hit || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors?.length || (response.http.status !== undefined && response.http.status !== 200)) return;
          // Not waited for: a shared store that is slow must not hold the answer back.
          void Promise.resolve(cache.set(key, result, JSON.stringify(result).length)).catch(() => {});
        },
      };
    },
  };
}
