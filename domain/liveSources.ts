/**
 * Live sources in an agency's file: the agency's own service, answering per request, joined to the
 * graph beside the built-in subgraphs instead of being read into the store.
 *
 * - `graphql-subgraph`: a Federation 2 subgraph at `url` (its schema from `_service { sdl }`, or
 *   from an `sdl` file when the service does not answer that);
 * - `openapi`: a REST service described by an OpenAPI 3 document (`spec`, a URL or a file), called
 *   at `baseUrl`; its operations become fields named with the file's `prefix`, and `links` add
 *   fields to shared entities answered by one of its operations (Program.guaranteeFee(amount:)).
 *
 * Credentials come from the environment by name (`auth`), never from the file. Limits may only
 * tighten the gateway's own for live sources (see gateway/live).
 */
import { z } from 'zod';
import { duration, headerFromEnv, httpUrl, slug, urlOrPath } from './sourceConfig';

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** `Type.field` (or a type alone), as graphql-inspector names what a change touches. */
const coordinate = z
  .string()
  .regex(/^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)?$/, 'a schema coordinate such as "Equipment.ratePerHour"');

const liveLimits = z
  .object({
    /** Per call to the agency's service. */
    timeoutMs: z.number().int().min(50).max(30_000).optional(),
    /** Answers larger than this are refused. */
    maxResponseBytes: z
      .number()
      .int()
      .min(1_024)
      .max(16 * 1024 * 1024)
      .optional(),
    /** Connections to the service at most (calls beyond wait for one). */
    connections: z.number().int().min(1).max(64).optional(),
  })
  .strict();

const liveCommon = {
  id: slug.refine((id) => id !== 'organization', '"organization" is kept for the agency\'s own organization'),
  /** How often the service's schema is checked for changes (default: the gateway's, 1 minute). */
  interval: duration.optional(),
  /** A credential the gateway sends to the service, read from the environment. */
  auth: headerFromEnv.optional(),
  limits: liveLimits.optional(),
  /**
   * Breaking changes accepted for these coordinates, once the clients using them were told: until
   * then a breaking change to a field clients use is refused and the last good schema kept.
   */
  acceptBreaking: z.array(coordinate).optional(),
};

export const graphqlSubgraphSource = z
  .object({
    kind: z.literal('graphql-subgraph'),
    /** The subgraph's GraphQL endpoint. */
    url: httpUrl,
    /** Its SDL, a path relative to the agency file, when the service does not answer `_service { sdl }`. */
    sdl: z.string().min(1).optional(),
    ...liveCommon,
  })
  .strict();

/** A field on a shared entity answered by one operation of the service. */
const openapiLink = z
  .object({
    type: z.enum(['Organization', 'Program']),
    field: z.string().regex(NAME, 'a GraphQL field name'),
    /** The operation's operationId. */
    operation: z.string().min(1),
    /** Operation parameters filled from the entity: parameter name → key field (`id`). */
    args: z.record(z.string().min(1), z.literal('id')),
    /** `own` (default): only the agency's own programmes or organization; others get null without a call. */
    scope: z.enum(['own', 'all']).default('own'),
    description: z.string().optional(),
  })
  .strict();
export type OpenApiLink = z.infer<typeof openapiLink>;

export const openapiSource = z
  .object({
    kind: z.literal('openapi'),
    /** The OpenAPI 3 document: an http(s) URL, or a path relative to the agency file. */
    spec: urlOrPath,
    /** Where the operations are called (the document's own servers are not trusted). */
    baseUrl: httpUrl,
    /** How the graph names the service's operations and types: prefix + name (guaranteeFeesGetFee, GuaranteeFeesFee). */
    prefix: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'a camelCase name such as "guaranteeFees"'),
    links: z.array(openapiLink).optional(),
    ...liveCommon,
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    (s.links ?? []).forEach((l, i) => {
      const key = `${l.type}.${l.field}`;
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['links', i, 'field'], message: `${key} is linked twice` });
      seen.add(key);
    });
  });

export type GraphqlSubgraphSourceConfig = z.infer<typeof graphqlSubgraphSource>;
export type OpenApiSourceConfig = z.infer<typeof openapiSource>;
export type LiveSourceConfig = GraphqlSubgraphSourceConfig | OpenApiSourceConfig;

export const LIVE_KINDS = ['graphql-subgraph', 'openapi'] as const;

export function isLiveSource<S extends { kind: string }>(source: S): source is Extract<S, LiveSourceConfig> {
  return (LIVE_KINDS as readonly string[]).includes(source.kind);
}

/**
 * One live source as the gateway needs it: the declaration, the agency it belongs to, and where
 * its file is (relative `sdl` and `spec` paths resolve against it).
 */
export type LiveSourceDeclaration = LiveSourceConfig & {
  agencyId: string;
  agencyName: string;
  /** The agency file's folder. */
  dir: string;
  file: string;
};

/** The live sources of loaded agency files, in the order the files and their sources give them. */
export function liveDeclarations(
  agencies: Array<{ id: string; name: string; dir: string; file: string; live: LiveSourceConfig[] }>,
): LiveSourceDeclaration[] {
  return agencies.flatMap((a) =>
    a.live.map((s) => ({ ...s, agencyId: a.id, agencyName: a.name, dir: a.dir, file: a.file })),
  );
}

/** What `agency:check` tells of a live source: does it compose, what it adds, does an operation answer. */
export interface LiveSourceCheck {
  id: string;
  kind: LiveSourceConfig['kind'];
  location: string;
  status: 'ok' | 'failed';
  composed: boolean;
  /** Composition errors and refusals, each naming the agency. */
  errors: string[];
  /** What it adds to the graph, as `Type.field`. */
  fields: string[];
  /** One operation called through the gateway's own client, as a smoke test. */
  smoke: { operation: string; ok: boolean; ms: number; error?: string; answer?: unknown } | null;
}
