/**
 * A response cache for public data only: whole answers to anonymous queries (no Authorization
 * header) that select no field coming solely from a private subgraph (consultations and growth by default),
 * kept for a short TTL and dropped whenever a sync changes data. Hits are answered by the HTTP
 * layer before Apollo runs; a miss runs as usual and, when a plugin finds the operation public and
 * the answer free of errors, the answer is stored.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { LruCache } from './lru';

export interface ResponseCacheOptions {
  enabled: boolean;
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
  /** Subgraphs whose own fields make an operation private. */
  privateSubgraphs: string[];
}

export function responseCacheOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ResponseCacheOptions {
  const flag = env.MADOGUCHI_RESPONSE_CACHE;
  const num = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
    return n;
  };
  return {
    // On unless turned off, except under test runners, where a test turns it on when it wants it.
    enabled: flag ? flag === 'true' : env.NODE_ENV !== 'test',
    ttlMs: num('MADOGUCHI_RESPONSE_CACHE_TTL_MS', 10_000),
    maxEntries: num('MADOGUCHI_RESPONSE_CACHE_MAX_ENTRIES', 2_000),
    maxBytes: num('MADOGUCHI_RESPONSE_CACHE_MAX_MB', 64) * 1024 * 1024,
    privateSubgraphs: (env.MADOGUCHI_PRIVATE_SUBGRAPHS ?? 'consultations,growth').split(',').map((s) => s.trim()).filter(Boolean),
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
      const name = v.directives?.find((x) => x.name.value === 'join__graph')?.arguments?.find((a) => a.name.value === 'name')?.value;
      if (name?.kind === Kind.STRING) graphOf.set(v.name.value, name.value);
    }
  }
  const isPrivate = (graphs: string[]) => graphs.length > 0 && graphs.every((g) => subgraphs.includes(graphOf.get(g) ?? g));
  // The graphs a type or field directive names; a field a graph only declares as external does
  // not come from that graph.
  const graphsOf = (directives: readonly ConstDirectiveNode[] | undefined, directive: string): string[] =>
    (directives ?? [])
      .filter((x) => x.name.value === directive)
      .filter((x) => !x.arguments?.some((a) => (a.name.value === 'external' || a.name.value === 'usedOverridden') && a.value.kind === Kind.BOOLEAN && a.value.value))
      .flatMap((x) => {
        const v = x.arguments?.find((a) => a.name.value === 'graph')?.value;
        return v?.kind === Kind.ENUM ? [v.value] : [];
      });
  const typeGraphs = new Map<string, string[]>();
  const fields: Array<{ type: string; field: string; graphs: string[] }> = [];
  for (const d of document.definitions) {
    if (
      d.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      d.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      d.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      d.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    const type = d.name.value;
    typeGraphs.set(type, [...(typeGraphs.get(type) ?? []), ...graphsOf(d.directives, 'join__type')]);
    for (const f of d.fields ?? []) fields.push({ type, field: f.name.value, graphs: graphsOf(f.directives, 'join__field') });
  }
  const result = new Set<string>();
  for (const { type, field, graphs } of fields) {
    if (isPrivate(graphs.length ? graphs : (typeGraphs.get(type) ?? []))) result.add(`${type}.${field}`);
  }
  return result;
}

/** Whether an operation is a query that selects no private field (fragments followed). */
export function isPublicOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, privateFields: Set<string>): boolean {
  if (operation.operation !== 'query') return false;
  const typeInfo = new TypeInfo(schema);
  let isPublic = true;
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  visit(
    { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || privateFields.has(`${parent.name}.${node.name.value}`)) {
          isPublic = false;
          return false;
        }
        return undefined;
      },
    }),
  );
  return isPublic;
}

export interface CachedResponse {
  status: number;
  contentType: string;
  body: string;
}

/** What one request carries through Apollo so the HTTP layer knows whether to store its answer. */
export interface ResponseCacheTicket {
  key: string;
  public?: boolean;
  storable?: boolean;
}

export class ResponseCache {
  private readonly entries: LruCache<CachedResponse>;

  constructor(readonly options: ResponseCacheOptions) {
    this.entries = new LruCache<CachedResponse>({
      maxEntries: options.maxEntries,
      maxBytes: options.maxBytes,
      ttlMs: options.ttlMs,
      sizeOf: (v, k) => v.body.length * 2 + k.length * 2 + 64,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedResponse | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: CachedResponse): void {
    this.entries.set(key, value);
  }

  /** Drops every answer: called when a sync changed data. */
  invalidate(): void {
    this.entries.clear();
  }
}

/** Marks each request's ticket public (or not) once its operation is known, storable once answered. */
export function responseCachePlugin(privateFields: Set<string>): ApolloServerPlugin<{ responseCache?: ResponseCacheTicket }> {
  const decisions = new WeakMap<OperationDefinitionNode, boolean>();
  return {
    async requestDidStart({ contextValue }) {
      if (!contextValue.responseCache) return;
      const ticket = contextValue.responseCache;
      return {
        async didResolveOperation({ document, operation, schema }) {
          if (!operation) return;
          let decision = decisions.get(operation);
          if (decision === undefined) {
            decision = isPublicOperation(schema, document, operation, privateFields);
            decisions.set(operation, decision);
          }
          ticket.public = decision;
        },
        async willSendResponse({ response }) {
          ticket.storable =
            ticket.public === true &&
            response.body.kind === 'single' &&
            !response.body.singleResult.errors?.length &&
            (response.http.status === undefined || response.http.status === 200);
        },
      };
    },
  };
}
