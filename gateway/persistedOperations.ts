/**
 * Persisted operations: the explorer's examples and the documents in gateway/operations/, known
 * by the SHA-256 of their text. They back automatic persisted queries — a client may send only
 * the hash of a registered operation — and, with MADOGUCHI_SAFELIST=true, the safelist: only
 * registered operations run. An operation also counts as registered when it differs from one only
 * in whitespace, comments or the order of its fragments.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { EXAMPLE_OPERATIONS } from './explorer/examples';
import { LruCache, type KeyValueCacheLike } from './lru';

export const OPERATIONS_DIR = join(__dirname, 'operations');

/** Apollo Server keeps automatic persisted queries under this prefix in its cache. */
const APQ_PREFIX = 'apq:';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface PersistedOperation {
  /** Where it was registered from: an example's name or a file. */
  source: string;
  text: string;
  hash: string;
}

/** The operations of a document, each printed with the fragments it uses in a fixed order. */
export function canonicalOperations(document: DocumentNode): Map<string | null, string> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
  }
  const result = new Map<string | null, string>();
  for (const op of operations) {
    const used = new Set<string>();
    const pending: Array<OperationDefinitionNode | FragmentDefinitionNode> = [op];
    while (pending.length) {
      visit(pending.pop()!, {
        FragmentSpread(node) {
          const name = node.name.value;
          const fragment = fragments.get(name);
          if (!used.has(name) && fragment) {
            used.add(name);
            pending.push(fragment);
          }
        },
      });
    }
    const printed = [print(op), ...[...used].sort().map((n) => print(fragments.get(n)!))].join('\n');
    result.set(op.name?.value ?? null, printed);
  }
  return result;
}

export interface OperationRegistry {
  operations: PersistedOperation[];
  /** Whether a request may run under the safelist. */
  allows(request: { query?: string; hash?: string; operationName?: string | null }): boolean;
  /** Apollo Server's persisted-query cache, answering registered hashes from the registry. */
  apqCache: KeyValueCacheLike<string>;
}

export interface OperationRegistryOptions {
  dir?: string;
  examples?: Array<{ name: string; query: string }>;
  /** Operations made only of introspection fields may run (the explorer needs them). */
  allowIntrospection?: boolean;
  /** Bound on automatic persisted queries registered by clients. */
  apqEntries?: number;
}

export function loadOperationSources(dir = OPERATIONS_DIR, examples: Array<{ name: string; query: string }> = EXAMPLE_OPERATIONS): Array<{ source: string; text: string }> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({ source: `gateway/operations/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  return [...examples.map((e) => ({ source: `explorer example ${e.name}`, text: e.query })), ...files];
}

function isIntrospectionOnly(document: DocumentNode, operationName: string | null | undefined): boolean {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op || op.operation !== 'query') return false;
  return op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

export function createOperationRegistry(options: OperationRegistryOptions = {}): OperationRegistry {
  const operations: PersistedOperation[] = [];
  const byHash = new Map<string, string>();
  const canonical = new Set<string>();
  for (const { source, text } of loadOperationSources(options.dir, options.examples)) {
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch (e) {
      throw new Error(`persisted operation in ${source} does not parse: ${(e as Error).message}`);
    }
    const hash = sha256Hex(text);
    operations.push({ source, text, hash });
    byHash.set(hash, text);
    for (const printed of canonicalOperations(document).values()) canonical.add(sha256Hex(printed));
  }
  // Decisions on texts that are not registered verbatim cost a parse: remember them.
  const decisions = new LruCache<boolean>({ maxEntries: 2_000 });
  const registered = new LruCache<string>({ maxEntries: options.apqEntries ?? 10_000 });

  const allowsText = (query: string, hash: string, operationName: string | null | undefined): boolean => {
    if (byHash.has(hash)) return true;
    const key = `${hash}\u0000${operationName ?? ''}`;
    const known = decisions.get(key);
    if (known !== undefined) return known;
    let decision = false;
    try {
      const document = parse(query);
      if (options.allowIntrospection && isIntrospectionOnly(document, operationName)) decision = true;
      else {
        const ops = canonicalOperations(document);
        const printed = operationName ? ops.get(operationName) : ops.size === 1 ? [...ops.values()][0] : undefined;
        decision = printed !== undefined && canonical.has(sha256Hex(printed));
      }
    } catch {
      decision = false;
    }
    decisions.set(key, decision);
    return decision;
  };

  return {
    operations,
    allows({ query, hash, operationName }) {
      if (query !== undefined) return allowsText(query, hash ?? sha256Hex(query), operationName);
      return hash !== undefined && byHash.has(hash);
    },
    apqCache: {
      async get(key) {
        const hash = key.startsWith(APQ_PREFIX) ? key.slice(APQ_PREFIX.length) : key;
        return byHash.get(hash) ?? registered.get(key);
      },
      async set(key, value) {
        registered.set(key, value);
      },
      async delete(key) {
        return registered.delete(key);
      },
    },
  };
}
