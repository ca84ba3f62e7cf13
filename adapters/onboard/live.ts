/**
 * `agency:init` for an agency's own service: recognises a GraphQL endpoint (a Federation 2 subgraph
 * answering `_service { sdl }`, or any GraphQL endpoint answering introspection) and an OpenAPI 3
 * document (a URL or a file), and proposes the live source that joins it to the graph as it is —
 * `kind: graphql-subgraph` or `kind: openapi` — with comments on what it adds and what to check.
 * Anything else is left to the readers of files, pages and JSON APIs (./init).
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { Kind, parse, type DocumentNode } from 'graphql';
import { parse as parseYaml } from 'yaml';
import type { FetchFn } from '../core/adapter';

export type LiveProposal =
  | { kind: 'graphql-subgraph'; url: string; sdl: string | null; federation: boolean; notes: string[] }
  | {
      kind: 'openapi';
      spec: string;
      baseUrl: string;
      operations: Array<{ operationId: string; method: string; path: string; params: string[] }>;
      notes: string[];
    };

const TIMEOUT_MS = 8_000;
const MAX_BYTES = 2 * 1024 * 1024;

async function bounded(res: Response): Promise<string> {
  const text = await res.text();
  if (text.length > MAX_BYTES) throw new Error(`the answer is larger than ${MAX_BYTES} bytes`);
  return text;
}

function openapiOf(text: string): Record<string, any> | null {
  try {
    const doc = parseYaml(text, { maxAliasCount: 100 }) as Record<string, any> | null;
    return doc && typeof doc === 'object' && typeof doc.openapi === 'string' && doc.openapi.startsWith('3.')
      ? doc
      : null;
  } catch {
    return null;
  }
}

function operationsOf(doc: Record<string, any>): Extract<LiveProposal, { kind: 'openapi' }>['operations'] {
  const out: Extract<LiveProposal, { kind: 'openapi' }>['operations'] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, any>>)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item?.[method];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .filter((p: { name?: unknown }) => typeof p?.name === 'string')
        .map(
          (p: { name: string; in?: string; required?: boolean }) =>
            `${p.name}${p.required ? '!' : ''} (${p.in ?? '?'})`,
        );
      out.push({
        operationId: String(op.operationId ?? `${method} ${path}`),
        method: method.toUpperCase(),
        path,
        params,
      });
    }
  }
  return out;
}

/** The proposal for an OpenAPI document read from `spec` (as the file will name it). */
function openapiProposal(doc: Record<string, any>, spec: string, specUrl: string | null): LiveProposal {
  const notes: string[] = [];
  const server = Array.isArray(doc.servers) && typeof doc.servers[0]?.url === 'string' ? doc.servers[0].url : null;
  let baseUrl = '${AGENCY_SERVICE_URL}';
  if (server && /^https?:\/\//.test(server)) baseUrl = server.replace(/\/$/, '');
  else if (server && specUrl) baseUrl = new URL(server, specUrl).toString().replace(/\/$/, '');
  else if (specUrl) baseUrl = new URL(specUrl).origin;
  else notes.push('the document names no server: set baseUrl to where the service answers');
  const refs = JSON.stringify(doc).match(/"\$ref":"(?!#\/)[^"]*"/g);
  if (refs)
    notes.push(
      `it refers to other files or URLs (${refs.length}); the bridge reads only self-contained documents: bundle it first`,
    );
  return { kind: 'openapi', spec, baseUrl, operations: operationsOf(doc), notes };
}

/** What a subgraph SDL adds: its own types, and the shared entities it extends. */
export function describeSdl(sdl: string): string[] {
  let doc: DocumentNode;
  try {
    doc = parse(sdl);
  } catch (e) {
    return [`its SDL does not parse: ${(e as Error).message}`];
  }
  const lines: string[] = [];
  for (const d of doc.definitions) {
    if (
      (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) ||
      d.name.value.startsWith('_')
    )
      continue;
    const key = d.directives?.find((x) => x.name.value === 'key');
    const fields = (d.fields ?? []).map((f) => f.name.value).filter((f) => !f.startsWith('_'));
    lines.push(`${d.name.value}${key ? ' @key' : ''}: ${fields.join(', ')}`);
  }
  return lines;
}

/**
 * Recognises an agency's own service at `source`; null when it is neither a GraphQL endpoint nor
 * an OpenAPI document (a file, a page or a JSON API: init's other readers take it).
 */
export async function detectLiveService(source: string, fetch: FetchFn, outDir?: string): Promise<LiveProposal | null> {
  if (!/^https?:\/\//.test(source)) {
    const path = resolve(source);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return null;
    }
    const written = outDir ? relative(outDir, path) : path;
    if (/\.(graphql|gql)$/.test(path))
      return {
        kind: 'graphql-subgraph',
        url: '${AGENCY_SUBGRAPH_URL}',
        sdl: written,
        federation: /@link\(|@key\(/.test(text),
        notes: ['set url to the endpoint the service answers at; its SDL is read from this file', ...describeSdl(text)],
      };
    const doc = /\.(ya?ml|json)$/.test(path) ? openapiOf(text) : null;
    return doc ? openapiProposal(doc, written, null) : null;
  }
  // A GraphQL endpoint answers a POST of a query; a Federation subgraph answers _service { sdl }.
  try {
    const res = await fetch(source, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } __typename }' }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = JSON.parse(await bounded(res as unknown as Response)) as {
      data?: { _service?: { sdl?: unknown }; __typename?: unknown };
      errors?: unknown[];
    };
    const sdl = body?.data?._service?.sdl;
    if (typeof sdl === 'string')
      return { kind: 'graphql-subgraph', url: source, sdl: null, federation: true, notes: describeSdl(sdl) };
    // A GraphQL server without federation refuses the field by name, in GraphQL's own words.
    const graphql = Array.isArray(body?.errors) && /Cannot query field "_service"/.test(JSON.stringify(body.errors));
    if (graphql)
      return {
        kind: 'graphql-subgraph',
        url: source,
        sdl: '<its-schema>.graphql',
        federation: false,
        notes: [
          'a GraphQL endpoint that does not answer _service { sdl }: it is not a Federation 2 subgraph.',
          'Give its SDL as a file (sdl:) with extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"]),',
          'and @key on the shared entities it extends (Organization, Program, Company …), or make it a subgraph (@apollo/subgraph, …).',
        ],
      };
  } catch {
    // Not GraphQL: perhaps a document.
  }
  try {
    const res = await fetch(source, {
      headers: { accept: 'application/yaml, application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) return null;
    const doc = openapiOf(await bounded(res as unknown as Response));
    return doc ? openapiProposal(doc, source, source) : null;
  } catch {
    return null;
  }
}

/** A camelCase prefix from an agency id: hyogo-cgc → hyogoCgc. */
export function prefixOf(id: string): string {
  const words = id.split(/[^a-zA-Z0-9]+/).filter(Boolean);
  const camel = words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
  return /^[a-z]/.test(camel) ? camel : `agency${camel}`;
}

/** The agency file proposing the live source. */
export function renderLiveAgency(p: LiveProposal, agency: { id: string; name: string }): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    `# Proposed by agency:init for ${p.kind === 'openapi' ? 'an OpenAPI 3 document' : p.federation ? 'a Federation 2 subgraph' : 'a GraphQL endpoint'}: check it with`,
    `#   npm run agency:check -- agencies/${agency.id}.yaml`,
    '# which composes it with the built-in subgraphs, lists what it adds and calls one operation.',
    `id: ${agency.id}`,
    `name: ${q(agency.name)}`,
    'sources:',
  ];
  if (p.kind === 'graphql-subgraph') {
    lines.push('  - id: graphql', '    kind: graphql-subgraph', `    url: ${q(p.url)}`);
    if (p.sdl) lines.push(`    sdl: ${q(p.sdl)}`);
    lines.push('    interval: 1m');
    if (p.notes.length) {
      lines.push(p.federation ? '    # It declares:' : '    # Note:');
      for (const n of p.notes) lines.push(`    #   ${n}`);
    }
  } else {
    lines.push(
      '  - id: api',
      '    kind: openapi',
      `    spec: ${q(p.spec)}`,
      `    baseUrl: ${q(p.baseUrl)}`,
      `    prefix: ${prefixOf(agency.id)}`,
      '    interval: 1m',
      '    # If the service needs a key, name the environment variable that holds it (never the key itself):',
      '    # auth: { header: X-Api-Key, env: AGENCY_API_KEY }',
    );
    for (const n of p.notes) lines.push(`    # Note: ${n}`);
    lines.push(`    # Its operations become fields named ${prefixOf(agency.id)}<OperationId>:`);
    for (const o of p.operations)
      lines.push(
        `    #   ${o.operationId}: ${o.method} ${o.path}${o.params.length ? ` (${o.params.join(', ')})` : ''}`,
      );
    const linkable = p.operations.find(
      (o) => o.method === 'GET' && o.params.some((x) => /^(program|organization)Id!? \(path\)/i.test(x)),
    );
    if (linkable) {
      const param = linkable.params.find((x) => /^(program|organization)Id/i.test(x))!.split(/[! ]/)[0];
      const type = /^program/i.test(param) ? 'Program' : 'Organization';
      lines.push(
        `    # ${linkable.operationId} takes a ${type.toLowerCase()} id: it can answer a field of ${type}:`,
        '    # links:',
        `    #   - { type: ${type}, field: ${linkable.operationId.replace(/^get/, '').replace(/^./, (c) => c.toLowerCase())}, operation: ${linkable.operationId}, args: { ${param}: id } }`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
