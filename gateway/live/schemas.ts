/**
 * Reading a live source's SDL: the fields it declares, and whether a new schema breaks fields
 * clients use (graphql-inspector, usage-aware) unless the agency file acknowledges it.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { diff, DiffRule, CriticalityLevel, type Change } from '@graphql-inspector/core';
import { parse } from 'graphql';
import type { SourceState } from './state';

/** `Type.field` of every field a subgraph SDL declares outside federation's own types (and `skip`). */
export function fieldsOf(sdl: string, skip: Set<string> = new Set()): string[] {
  const out: string[] = [];
  for (const d of parse(sdl).definitions) {
    if (!('fields' in d) || !('name' in d) || !d.name || /^_/.test(d.name.value)) continue;
    for (const f of (d.fields ?? []) as ReadonlyArray<{
      name: { value: string };
      directives?: ReadonlyArray<{ name: { value: string } }>;
    }>) {
      if (f.directives?.some((x) => x.name.value === 'external')) continue;
      const coordinate = `${d.name.value}.${f.name.value}`;
      if (!skip.has(coordinate)) out.push(coordinate);
    }
  }
  return out;
}

export function subgraphSchema(sdl: string) {
  return buildSubgraphSchema([{ typeDefs: parse(sdl) }]);
}

/** Breaking changes not acknowledged that touch fields clients use; null when the change may go in. */
export async function breakingRefusal(
  state: Pick<SourceState, 'label' | 'decl'>,
  before: string,
  after: string,
  /** Fields clients have used since this gateway started (`Type.field`). */
  used: Set<string>,
): Promise<string | null> {
  let changes: Change[];
  try {
    changes = await diff(subgraphSchema(before), subgraphSchema(after), [DiffRule.considerUsage], {
      checkUsage: async (list) =>
        list.map(
          ({ type, field }) =>
            !used.has(field ? `${type}.${field}` : type) &&
            !(field === undefined && [...used].some((u) => u.startsWith(`${type}.`))),
        ),
    });
  } catch (e) {
    return `${state.label}: its new schema could not be compared with the served one: ${(e as Error).message}`;
  }
  const accepted = new Set(state.decl.acceptBreaking ?? []);
  const breaking = changes.filter((c) => {
    if (c.criticality.level !== CriticalityLevel.Breaking) return false;
    const [type, field] = (c.path ?? '').split('.');
    return !accepted.has(type) && !accepted.has(`${type}.${field}`);
  });
  if (breaking.length === 0) return null;
  const paths = [...new Set(breaking.map((c) => (c.path ?? '').split('.').slice(0, 2).join('.')))];
  return `${state.label}: breaking change refused, the last good schema keeps serving: ${breaking
    .slice(0, 5)
    .map((c) => c.message)
    .join(
      '; ',
    )}${breaking.length > 5 ? ` (and ${breaking.length - 5} more)` : ''}. Clients use ${paths.join(', ')}; once they are told, acknowledge it in ${state.decl.file.split('/').slice(-1)[0]} with acceptBreaking: [${paths.join(', ')}]`;
}
