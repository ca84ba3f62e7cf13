/**
 * Small pieces of the gateway's HTTP handling: plain answers, the signed readiness probe of a
 * subgraph, and reading operation names and persisted-query hashes from requests.
 */
import type { ServerResponse } from 'node:http';
import { Kind, parse } from 'graphql';
import { fetch as undiciFetch } from 'undici';
import { ANONYMOUS, signIdentity } from '../server/identity';
import { parseDocumentHash } from './persistedOperations';

export function sendText(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** Asks a subgraph for `{ __typename }` as the gateway asks anything: signed, as an anonymous caller. */
export async function probeSubgraph(name: string, url: string, secret: string): Promise<void> {
  const body = '{"query":"{ __typename }"}';
  const res = await undiciFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signIdentity(ANONYMOUS, secret, { subgraph: name, body }) },
    body,
    signal: AbortSignal.timeout(2000),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  await res.arrayBuffer();
}

/** The names of the operations in these documents. */
export function operationNamesOf(texts: string[]): Set<string> {
  const names = new Set<string>();
  for (const text of texts) {
    for (const d of parse(text).definitions)
      if (d.kind === Kind.OPERATION_DEFINITION && d.name) names.add(d.name.value);
  }
  return names;
}

function parseJsonParam(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * The sha256Hash of an automatic persisted query's extension, from a body or GET parameters, bare
 * or in client-preset's `sha256:<hex>` form.
 */
export function persistedQueryHash(extensions: unknown): string | undefined {
  const ext = parseJsonParam(extensions) as { persistedQuery?: { sha256Hash?: unknown } } | undefined;
  return parseDocumentHash(ext?.persistedQuery?.sha256Hash);
}
