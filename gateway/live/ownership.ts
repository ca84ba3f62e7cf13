/**
 * What a live source may and may not declare, checked on its SDL before composition: it may add
 * its own types and root fields, and add fields to the shared entities (Organization, Program,
 * Company …) through their @key; it may not define, shadow or take over anything a built-in
 * subgraph defines — no field of a built-in type other than the key fields (or ones it marks
 * @external), no redefinition of a built-in enum, input, union, interface or value type (adding a
 * value to SupportField would change it for every client), no @override, no directive that changes
 * a built-in type or field for everyone (`@inaccessible` on `Organization.id` would remove it from
 * the graph), no @provides of built-in fields (the agency would answer them), no renamed federation
 * directives, and no @requires or @external on consultation records (their content must never be
 * sent to an agency's service). Federation's directives count under either spelling (`@requires`,
 * `@federation__requires`).
 * Fields it adds to shared types (entities, Query, Mutation) must be nullable, so that its failure
 * costs only them. Every refusal names the agency and the source.
 */
import {
  Kind,
  parse,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type SelectionSetNode,
  type TypeNode,
  type ObjectTypeExtensionNode,
} from 'graphql';

/** Types no live source may reach into at all, by @requires or @external. */
const SEALED_TYPES = new Set(['Consultation', 'ConsultationConnection', 'ConsultationEdge', 'Referral']);
const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);
const FEDERATION_TYPES = /^(_Service|_Entity|_Any|link__|federation__|join__)/;

interface BuiltinType {
  kind: string;
  /** Field → the built-in subgraph defining it and the named type it returns. */
  fields: Map<string, { owner: string; type: string }>;
  /** Whether some built-in subgraph declares a @key on it (an entity others may extend). */
  entity: boolean;
  owners: Set<string>;
}

export type BuiltinTypes = Map<string, BuiltinType>;

/** A federation directive's name as written: imported (`@key`) or not (`@federation__key`). */
function federationName(d: DirectiveNode): string {
  return d.name.value.replace(/^federation__/, '');
}

function directive(node: { directives?: readonly DirectiveNode[] }, name: string): DirectiveNode | undefined {
  return node.directives?.find((d) => federationName(d) === name);
}

/** What a live source may write on a built-in type, and on the built-in fields it repeats (keys, @external). */
const ON_BUILTIN_TYPE = new Set(['key', 'extends', 'shareable']);
const ON_BUILTIN_FIELD = new Set(['external', 'shareable']);

/** A federation @link that renames (`as:`) the namespace or a directive: the rules below could not read it. */
function renamesFederation(typeDefs: DocumentNode): boolean {
  return typeDefs.definitions.some(
    (def) =>
      (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) &&
      (def.directives ?? []).some((d) => {
        if (d.name.value !== 'link') return false;
        const url = d.arguments?.find((a) => a.name.value === 'url')?.value;
        if (url?.kind !== Kind.STRING || !url.value.includes('/federation/')) return false;
        return (d.arguments ?? []).some(
          (a) =>
            a.name.value === 'as' ||
            (a.name.value === 'import' &&
              a.value.kind === Kind.LIST &&
              a.value.values.some((v) => v.kind === Kind.OBJECT && v.fields.some((o) => o.name.value === 'as'))),
        );
      }),
  );
}

function stringArg(d: DirectiveNode | undefined, name: string): string | undefined {
  const arg = d?.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/** The types a field set passes through, starting at `typeName`, as the built-in schema types them. */
function typesReached(typeName: string, fieldSet: string, builtins: BuiltinTypes): string[] {
  let selection: SelectionSetNode;
  try {
    const op = parse(`{ ${fieldSet} }`).definitions[0];
    if (op.kind !== Kind.OPERATION_DEFINITION) return [typeName];
    selection = op.selectionSet;
  } catch {
    return [typeName];
  }
  const reached: string[] = [];
  const walk = (type: string, set: SelectionSetNode): void => {
    reached.push(type);
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD && s.selectionSet) {
        const next = builtins.get(type)?.fields.get(s.name.value)?.type;
        if (next) walk(next, s.selectionSet);
      } else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.typeCondition?.name.value ?? type, s.selectionSet);
    }
  };
  walk(typeName, selection);
  return reached;
}

/** Top-level field names of a field set such as "id" or "dimensions { size } weight". */
export function topFields(fieldSet: string): string[] {
  try {
    const doc = parse(`{ ${fieldSet} }`);
    const op = doc.definitions[0];
    if (op.kind !== Kind.OPERATION_DEFINITION) return [];
    return op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
  } catch {
    return [];
  }
}

/** The built-in subgraphs' types: who defines each field, and which types are entities. */
export function builtinTypesOf(subgraphs: Array<{ name: string; typeDefs: DocumentNode }>): BuiltinTypes {
  const types: BuiltinTypes = new Map();
  for (const { name, typeDefs } of subgraphs) {
    for (const def of typeDefs.definitions) {
      if (!('name' in def) || !def.name || def.kind === Kind.DIRECTIVE_DEFINITION) continue;
      const typeName = def.name.value;
      const kind = def.kind.replace(/_EXTENSION$/, '_DEFINITION');
      let entry = types.get(typeName);
      if (!entry) types.set(typeName, (entry = { kind, fields: new Map(), entity: false, owners: new Set() }));
      entry.owners.add(name);
      if ('directives' in def && directive(def, 'key')) entry.entity = true;
      if ('fields' in def)
        for (const f of def.fields ?? []) {
          const fieldNode = f as FieldDefinitionNode;
          if (!entry.fields.has(fieldNode.name.value) && !directive(fieldNode, 'external'))
            entry.fields.set(fieldNode.name.value, { owner: name, type: namedType(fieldNode.type) });
        }
    }
  }
  return types;
}

/** What a live source's SDL breaks of the rules above; each message names the agency and source. */
export function ownershipProblems(label: string, typeDefs: DocumentNode, builtins: BuiltinTypes): string[] {
  const problems: string[] = [];
  const say = (message: string) => problems.push(`${label}: ${message}`);
  if (renamesFederation(typeDefs))
    say('its federation @link renames directives (as:); import them under their own names');
  for (const def of typeDefs.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) continue;
    if (def.kind === Kind.DIRECTIVE_DEFINITION) continue;
    if (!('name' in def) || !def.name) continue;
    const typeName = def.name.value;
    if (FEDERATION_TYPES.test(typeName)) continue;
    const fields = 'fields' in def ? ((def.fields ?? []) as FieldDefinitionNode[]) : [];
    for (const f of fields) {
      if (directive(f, 'override'))
        say(`${typeName}.${f.name.value} uses @override: a live source cannot take a field over from another subgraph`);
      for (const d of ['requires', 'provides'] as const) {
        const set = stringArg(directive(f, d), 'fields');
        const start = d === 'requires' ? typeName : namedType(f.type);
        const reached = set ? typesReached(start, set, builtins) : [];
        if (reached.some((t) => SEALED_TYPES.has(t)))
          say(
            `${typeName}.${f.name.value} @${d} fields of consultation records, which no agency's service may receive`,
          );
        // Provided, a built-in field would be answered by the agency's service on this path.
        else if (d === 'provides' && reached.some((t) => builtins.has(t)))
          say(
            `${typeName}.${f.name.value} @provides fields of ${reached.find((t) => builtins.has(t))}, which only Madoguchi's own subgraphs answer`,
          );
      }
    }
    const builtin = builtins.get(typeName);
    if (!builtin) continue;
    const isObject = def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION;
    if (def.kind === Kind.SCALAR_TYPE_DEFINITION || def.kind === Kind.SCALAR_TYPE_EXTENSION) continue;
    if (!isObject || (!builtin.entity && !ROOTS.has(typeName))) {
      say(
        `it defines ${typeName}, which the built-in subgraph${builtin.owners.size > 1 ? 's' : ''} ${[...builtin.owners].join(', ')} define${builtin.owners.size > 1 ? '' : 's'}; a live source may add fields to shared entities through their @key, not redefine built-in types`,
      );
      continue;
    }
    const object = def as ObjectTypeDefinitionNode | ObjectTypeExtensionNode;
    // @inaccessible, @tag, @authenticated… here would change the built-in type for every client.
    for (const d of object.directives ?? [])
      if (!ON_BUILTIN_TYPE.has(federationName(d)))
        say(`${typeName} @${d.name.value}: a live source may not change a built-in type, only add fields to it`);
    const keys = new Set(
      (object.directives ?? [])
        .filter((d) => federationName(d) === 'key')
        .flatMap((d) => topFields(stringArg(d, 'fields') ?? '')),
    );
    if (SEALED_TYPES.has(typeName)) {
      say(`it extends ${typeName}: consultation records are not open to agencies' services`);
      continue;
    }
    for (const f of object.fields ?? []) {
      const owner = builtin.fields.get(f.name.value)?.owner;
      // A non-null field the service fails to answer would null its parent: the built-in object,
      // or for a root field the whole answer.
      const federations = ROOTS.has(typeName) && /^_(entities|service)$/.test(f.name.value);
      if (!owner && !federations && f.type.kind === Kind.NON_NULL_TYPE && !directive(f, 'external'))
        say(
          `${typeName}.${f.name.value} must be nullable: a live source's field on a shared type may only cost itself when the service fails`,
        );
      if (!owner) continue;
      if (keys.has(f.name.value) || directive(f, 'external')) {
        for (const d of f.directives ?? [])
          if (!ON_BUILTIN_FIELD.has(federationName(d)))
            say(
              `${typeName}.${f.name.value} @${d.name.value}: a live source may not change a built-in field, only repeat its key or mark it @external`,
            );
        continue;
      }
      say(
        `${typeName}.${f.name.value} is defined by the built-in subgraph "${owner}"; a live source may add new fields, not define or override existing ones`,
      );
    }
  }
  return problems;
}

/** How many types, fields, arguments, enum values and union members a schema declares. */
export function schemaElements(typeDefs: DocumentNode): number {
  let n = 0;
  for (const def of typeDefs.definitions) {
    n += 1;
    if ('fields' in def) for (const f of def.fields ?? []) n += 1 + ('arguments' in f ? (f.arguments?.length ?? 0) : 0);
    if ('values' in def) n += def.values?.length ?? 0;
    if ('types' in def) n += def.types?.length ?? 0;
    if (def.kind === Kind.DIRECTIVE_DEFINITION) n += def.arguments?.length ?? 0;
  }
  return n;
}

/** Every `Type.field` a live source's @requires asks for, by the field that asks. */
export function requiredFieldsOf(typeDefs: DocumentNode): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const def of typeDefs.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const f of def.fields ?? []) {
      const set = stringArg(directive(f, 'requires'), 'fields');
      if (set)
        out.set(
          `${def.name.value}.${f.name.value}`,
          topFields(set).map((n) => `${def.name.value}.${n}`),
        );
    }
  }
  return out;
}
