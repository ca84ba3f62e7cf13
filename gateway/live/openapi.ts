/**
 * The OpenAPI bridge: an agency's REST service, described by an OpenAPI 3 document, as a
 * Federation 2 subgraph the gateway composes and executes in-process.
 *
 * GraphQL Mesh's OpenAPI handling (@omnigraph/openapi) turns the document into an executable
 * schema whose resolvers call the service (through the gateway's guarded fetch: ./guard); the
 * bridge then names every type and root field with the file's prefix (guaranteeFees + GetGuaranteeFee),
 * so nothing of the service can collide with the rest of the graph, and adds the file's links:
 * fields on shared entities (Program.guaranteeFee(amount:)) answered by one operation with
 * parameters taken from the entity's key. By default a link answers only for the agency's own
 * entities (programme ids `<agencyId>:…`, its own organization) and is null for the others,
 * without calling the service.
 *
 * The document is read once per change and must be self-contained: a `$ref` to another file or URL
 * is refused, so a document can make the gateway read nothing but itself.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { getResolversFromSchema, mapSchema, MapperKind, renameType } from '@graphql-tools/utils';
import {
  astFromValue,
  isSpecifiedScalarType,
  Kind,
  parse,
  print,
  printSchema,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { parse as parseYaml } from 'yaml';
import type { OpenApiLink, OpenApiSourceConfig } from '../../domain/liveSources';

export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])';

/** What the bridge makes of one document: the SDL composed with the graph and the schema executed. */
export interface OpenApiSubgraph {
  typeDefs: DocumentNode;
  schema: GraphQLSchema;
  /** Root fields the service's operations became. */
  operations: string[];
}

export class OpenApiDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenApiDocumentError';
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Parses a document (YAML or JSON) and checks it is OpenAPI 3 and self-contained. */
export function readOpenApiDocument(text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new OpenApiDocumentError(`not a YAML or JSON document: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new OpenApiDocumentError('not an OpenAPI document (no object at its root)');
  const version = (doc as { openapi?: unknown }).openapi;
  if (typeof version !== 'string' || !version.startsWith('3.'))
    throw new OpenApiDocumentError(`not an OpenAPI 3 document (openapi: ${JSON.stringify(version ?? null)})`);
  const refs: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k === '$ref' && (typeof child !== 'string' || !child.startsWith('#/'))) refs.push(String(child));
        else walk(child);
      }
    }
  };
  walk(doc);
  if (refs.length > 0)
    throw new OpenApiDocumentError(
      `the document refers outside itself (${refs.slice(0, 3).join(', ')}): only local references (#/…) are read`,
    );
  return doc as Record<string, unknown>;
}

/** Mesh's logger interface, quiet but for warnings. */
function meshLogger(warn: (message: string) => void) {
  const logger = {
    log: () => {},
    debug: () => {},
    info: () => {},
    warn: (...args: unknown[]) => warn(args.map(String).join(' ')),
    error: (...args: unknown[]) => warn(args.map(String).join(' ')),
    child: () => logger,
  };
  return logger;
}

/** Types reachable from the given roots: what the bridge's SDL keeps of Mesh's schema. */
function reachable(schema: GraphQLSchema, roots: GraphQLNamedType[]): Set<string> {
  const seen = new Set<string>();
  const visit = (type: GraphQLNamedType): void => {
    if (seen.has(type.name)) return;
    seen.add(type.name);
    const t = type as unknown as {
      getFields?: () => Record<string, { type: unknown; args?: Array<{ type: unknown }> }>;
      getTypes?: () => GraphQLNamedType[];
      getInterfaces?: () => GraphQLNamedType[];
    };
    const named = (x: unknown): GraphQLNamedType => {
      let n = x as { ofType?: unknown };
      while (n.ofType) n = n.ofType as { ofType?: unknown };
      return n as unknown as GraphQLNamedType;
    };
    for (const f of Object.values(t.getFields?.() ?? {})) {
      visit(named(f.type));
      for (const a of f.args ?? []) visit(named(a.type));
    }
    for (const m of t.getTypes?.() ?? []) visit(m);
    for (const i of t.getInterfaces?.() ?? []) visit(i);
    if (schema.getPossibleTypes && 'resolveType' in type)
      for (const p of schema.getPossibleTypes(type as never)) visit(p);
  };
  roots.forEach(visit);
  return seen;
}

function printArguments(field: GraphQLField<unknown, unknown>, skip: Set<string>): string {
  const args = field.args.filter((a) => !skip.has(a.name));
  if (args.length === 0) return '';
  const parts = args.map((a) => {
    const description = a.description ? `${JSON.stringify(a.description)} ` : '';
    const def = a.defaultValue !== undefined ? astFromValue(a.defaultValue, a.type) : null;
    return `${description}${a.name}: ${String(a.type)}${def ? ` = ${print(def)}` : ''}`;
  });
  return `(${parts.join(', ')})`;
}

/** A field's resolver as graphql-tools lists it: the function, or `{ resolve }`. */
function resolverOf(entry: unknown): GraphQLFieldResolver<unknown, unknown> | undefined {
  if (typeof entry === 'function') return entry as GraphQLFieldResolver<unknown, unknown>;
  const resolve = (entry as { resolve?: unknown } | undefined)?.resolve;
  return typeof resolve === 'function' ? (resolve as GraphQLFieldResolver<unknown, unknown>) : undefined;
}

/** Each operation's path parameters, by operationId. */
function pathParameters(document: Record<string, unknown>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const paths = (document.paths ?? {}) as Record<
    string,
    Record<string, { operationId?: unknown; parameters?: unknown }>
  >;
  const inPath = (list: unknown) =>
    (Array.isArray(list) ? list : []).flatMap((p: { in?: unknown; name?: unknown }) =>
      p?.in === 'path' && typeof p.name === 'string' ? [p.name] : [],
    );
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item ?? {})) {
      if (!op || typeof op !== 'object' || typeof op.operationId !== 'string') continue;
      out.set(
        op.operationId,
        new Set([...inPath((item as { parameters?: unknown }).parameters), ...inPath(op.parameters)]),
      );
    }
  }
  return out;
}

/** Whether a link answers for this entity: by default only the agency's own. */
function ownEntity(link: OpenApiLink, agencyId: string, id: string): boolean {
  if (link.scope === 'all') return true;
  return link.type === 'Program' ? id.startsWith(`${agencyId}:`) : id === agencyId;
}

export async function buildOpenApiSubgraph(
  source: Pick<OpenApiSourceConfig, 'prefix' | 'baseUrl' | 'links'> & { agencyId: string; id: string },
  documentText: string,
  fetch: (url: string, init?: RequestInit, context?: unknown) => Promise<Response>,
  warn: (message: string) => void = () => {},
): Promise<OpenApiSubgraph> {
  const document = readOpenApiDocument(documentText);
  const prefix = source.prefix;
  const Prefix = capitalize(prefix);
  let inner: GraphQLSchema;
  try {
    // GraphQL Mesh's OpenAPI loader takes about a second to load: required when a document is
    // bridged, not with the gateway (whose start would otherwise wait for it).
    const { loadGraphQLSchemaFromOpenAPI } = require('@omnigraph/openapi') as typeof import('@omnigraph/openapi');
    inner = await loadGraphQLSchemaFromOpenAPI(`${source.agencyId}-${source.id}`, {
      // The parsed document, not a location: Mesh then reads nothing else (and interpolates nothing).
      source: document as unknown as string,
      endpoint: source.baseUrl,
      fetch: fetch as never,
      logger: meshLogger(warn) as never,
      // An error answer (4xx/5xx) is an error of the field, not a member of a union of answers.
      ignoreErrorResponses: true,
    });
  } catch (e) {
    throw new OpenApiDocumentError(`the document could not be turned into a schema: ${(e as Error).message}`);
  }
  const rootNames = new Set(
    [inner.getQueryType(), inner.getMutationType(), inner.getSubscriptionType()].flatMap((t) => (t ? [t.name] : [])),
  );
  const renamed = mapSchema(inner, {
    [MapperKind.TYPE]: (type) =>
      rootNames.has(type.name) || (isSpecifiedScalarType(type as never) && !type.name.startsWith('__'))
        ? type
        : renameType(type, `${Prefix}${type.name}`),
    [MapperKind.ROOT_FIELD]: (config, fieldName) => [`${prefix}${capitalize(fieldName)}`, config],
    [MapperKind.DIRECTIVE]: () => null,
  });
  const roots = [renamed.getQueryType(), renamed.getMutationType()].filter((t): t is NonNullable<typeof t> => !!t);
  if (roots.length === 0) throw new OpenApiDocumentError('the document has no operations');
  const keep = reachable(renamed, roots);
  const printed = parse(printSchema(renamed));
  const definitions = printed.definitions.filter(
    (d: DefinitionNode) =>
      d.kind !== Kind.DIRECTIVE_DEFINITION &&
      d.kind !== Kind.SCHEMA_DEFINITION &&
      'name' in d &&
      !!d.name &&
      keep.has(d.name.value),
  );
  const operations = roots.flatMap((r) => Object.keys(r.getFields()));
  const resolvers = getResolversFromSchema(renamed) as Record<string, Record<string, unknown>>;
  // Mesh puts path parameters into the URL as they are: a value such as "../admin?x=" would reach
  // another path of the service with the agency's credential. Each is percent-encoded first.
  for (const [operationId, params] of pathParameters(document)) {
    const fieldName = `${prefix}${capitalize(operationId)}`;
    for (const root of roots) {
      const resolve = resolverOf(resolvers[root.name]?.[fieldName]);
      if (!resolve) continue;
      resolvers[root.name][fieldName] = (parent: unknown, args: Record<string, unknown>, ctx: unknown, info: never) =>
        resolve(
          parent,
          Object.fromEntries(
            Object.entries(args).map(([k, v]) => [k, params.has(k) && v != null ? encodeURIComponent(String(v)) : v]),
          ),
          ctx,
          info,
        );
    }
  }

  // Links: a field on a shared entity answered by one operation.
  const linkTypes = new Map<string, string[]>();
  for (const link of source.links ?? []) {
    const fieldName = `${prefix}${capitalize(link.operation)}`;
    const root = roots.find((r) => r.getFields()[fieldName]);
    const field = root?.getFields()[fieldName];
    if (!root || !field)
      throw new OpenApiDocumentError(
        `link ${link.type}.${link.field}: operation "${link.operation}" is not in the document (it has ${operations
          .map((o) => o.slice(prefix.length).replace(/^./, (c) => c.toLowerCase()))
          .join(', ')})`,
      );
    if (root !== renamed.getQueryType())
      throw new OpenApiDocumentError(
        `link ${link.type}.${link.field}: "${link.operation}" changes data; links read only`,
      );
    for (const param of Object.keys(link.args)) {
      if (!field.args.some((a) => a.name === param))
        throw new OpenApiDocumentError(
          `link ${link.type}.${link.field}: "${link.operation}" has no parameter "${param}"`,
        );
    }
    const returns = String(field.type).replace(/!$/, '');
    const description = link.description ? `${JSON.stringify(link.description)}\n  ` : '';
    const fields = linkTypes.get(link.type) ?? [];
    fields.push(`${description}${link.field}${printArguments(field, new Set(Object.keys(link.args)))}: ${returns}`);
    linkTypes.set(link.type, fields);
    const resolve = resolverOf(resolvers[root.name][fieldName])!;
    const entity = (resolvers[link.type] ??= {});
    entity.__resolveReference = (ref: { id: string }) => ref;
    entity[link.field] = (parent: { id: string }, args: Record<string, unknown>, ctx: unknown, info: never) => {
      if (!ownEntity(link, source.agencyId, parent.id)) return null;
      const filled = Object.fromEntries(Object.entries(link.args).map(([param, key]) => [param, parent[key]]));
      return resolve({}, { ...args, ...filled }, ctx, info);
    };
  }
  const linkSdl = [...linkTypes].map(
    ([type, fields]) => `type ${type} @key(fields: "id") {\n  id: ID!\n  ${fields.join('\n  ')}\n}`,
  );
  const typeDefs = parse([FEDERATION_LINK, ...definitions.map((d) => print(d)), ...linkSdl].join('\n\n'));
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
  return { typeDefs, schema, operations };
}
