/**
 * Selections generated from the schema the gateway publishes, for the privacy matrices: a field
 * added to the schema is asked for by every role through every entry point without anyone
 * having to list it.
 */
import { getNamedType, isLeafType, isObjectType, type GraphQLObjectType } from 'graphql';

/**
 * Every leaf under a type as a selection, e.g. `company { industry { code } }`, to a small depth;
 * fields with required arguments are left out, and the types in `byKey` (other subgraphs'
 * entities) are crossed by their key `id` only.
 */
export function leafSelections(type: GraphQLObjectType, byKey: ReadonlySet<string>, depth = 0): string[] {
  const out: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => a.type.toString().endsWith('!') && a.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) out.push(field.name);
    else if (isObjectType(named) && depth < 2) {
      const inner = byKey.has(named.name) ? ['id'] : leafSelections(named, byKey, depth + 1);
      for (const s of inner) out.push(`${field.name} { ${s} }`);
    }
  }
  return out;
}
