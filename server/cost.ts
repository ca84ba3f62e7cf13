/**
 * The estimated cost of an operation, counting list sizes: every object an answer can hold costs
 * 1, multiplied by the size of each list above it. List sizes come from the schemas' own
 * `@listSize` directives (Apollo Federation's demand-control vocabulary, composed into the
 * supergraph): a page argument such as `first` when the query gives one (a literal or a
 * variable's value) or else its default, `assumedSize` for unpaged lists, and `sizedFields` for
 * connections, whose size applies to `edges`. Lists without a directive count as `defaultListSize`.
 * `_entities` counts as many objects as it is given representations. Fragments (inline and named)
 * and aliases count like the fields they select; @skip/@include are ignored (an upper bound).
 *
 * The gateway refuses an operation over its role's limit before planning; each subgraph applies
 * the same estimate to what the gateway sends it, with real representation counts.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isAbstractType,
  Kind,
  valueFromAST,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type InterfaceTypeDefinitionNode,
  type InterfaceTypeExtensionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
}

/** `Type.field` → its @listSize, read from SDL (a subgraph's schema or the composed supergraph). */
export type ListSizes = Map<string, ListSize>;

function constValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.INT:
      return Number(node.value);
    case Kind.STRING:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.LIST:
      return node.values.map(constValue);
    default:
      return undefined;
  }
}

/** Object and interface types and their extensions: the definitions of a schema document that declare fields. */
export function hasFields(
  d: DefinitionNode,
): d is ObjectTypeDefinitionNode | ObjectTypeExtensionNode | InterfaceTypeDefinitionNode | InterfaceTypeExtensionNode {
  return (
    d.kind === Kind.OBJECT_TYPE_DEFINITION ||
    d.kind === Kind.OBJECT_TYPE_EXTENSION ||
    d.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    d.kind === Kind.INTERFACE_TYPE_EXTENSION
  );
}

export function listSizesOf(document: DocumentNode): ListSizes {
  const sizes: ListSizes = new Map();
  for (const d of document.definitions) {
    if (!hasFields(d)) continue;
    for (const f of d.fields ?? []) {
      const directive = f.directives?.find((x) => x.name.value === 'listSize' || x.name.value.endsWith('__listSize'));
      if (!directive) continue;
      const args = Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, constValue(a.value)]));
      sizes.set(`${d.name.value}.${f.name.value}`, {
        assumedSize: typeof args.assumedSize === 'number' ? args.assumedSize : undefined,
        slicingArguments: Array.isArray(args.slicingArguments) ? (args.slicingArguments as string[]) : undefined,
        sizedFields: Array.isArray(args.sizedFields) ? (args.sizedFields as string[]) : undefined,
      });
    }
  }
  return sizes;
}

export interface CostOptions {
  listSizes: ListSizes;
  /** Size of a list no directive describes. */
  defaultListSize?: number;
  /** Added per root field of a mutation (writes cost more than reads). */
  mutationCost?: number;
  /**
   * Work a field does beyond the objects it returns (an aggregate scanning rows), by `Type.field`:
   * given a reader of its arguments, what to add to its cost.
   */
  fieldWork?: Record<string, (argument: (name: string) => unknown) => number>;
}

/**
 * The estimated cost of `operation` with these variable values; Infinity when it cannot be bounded.
 * `usage.variables` is set when an argument the estimate read could carry a variable's value.
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
  options: CostOptions,
  usage: { variables: boolean } = { variables: false },
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const defaultListSize = options.defaultListSize ?? 10;
  const vars = variables ?? {};

  const argument = (node: FieldNode, field: GraphQLField<unknown, unknown>, name: string): unknown => {
    const given = node.arguments?.find((a) => a.name.value === name);
    const def = field.args.find((a) => a.name === name);
    if (given) {
      // A variable, or a list or object literal that may hold one: this cost is this request's own.
      if (given.value.kind === Kind.VARIABLE || given.value.kind === Kind.LIST || given.value.kind === Kind.OBJECT)
        usage.variables = true;
      if (given.value.kind === Kind.VARIABLE) {
        const v = vars[given.value.name.value];
        if (v !== undefined && v !== null) return v;
        return def?.defaultValue;
      }
      return def ? valueFromAST(given.value, def.type, vars) : constValue(given.value);
    }
    return def?.defaultValue;
  };

  /** The size of the list `node` returns, from its @listSize, its page argument or the default. */
  const sizeOf = (node: FieldNode, field: GraphQLField<unknown, unknown>, config: ListSize | undefined): number => {
    if (field.name === '_entities') {
      const reps = argument(node, field, 'representations');
      return Array.isArray(reps) ? reps.length : defaultListSize;
    }
    if (config?.slicingArguments?.length) {
      const sizes = config.slicingArguments
        .map((a) => argument(node, field, a))
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (sizes.length) return Math.max(0, ...sizes);
    }
    return config?.assumedSize ?? defaultListSize;
  };

  const seen: string[] = [];
  const selectionCost = (
    set: SelectionSetNode | undefined,
    type: GraphQLCompositeType,
    sized: { fields: string[]; size: number } | null,
  ): number => {
    if (!set) return 0;
    let total = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) total += fieldCost(s, type, sized);
      else if (s.kind === Kind.INLINE_FRAGMENT) {
        const on = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type;
        total += selectionCost(s.selectionSet, isCompositeType(on) ? on : type, sized);
      } else {
        const fragment = fragments.get(s.name.value);
        // A fragment spread inside itself is invalid and refused by validation; never loop on it here.
        if (!fragment || seen.includes(s.name.value)) continue;
        seen.push(s.name.value);
        const on = schema.getType(fragment.typeCondition.name.value);
        total += selectionCost(fragment.selectionSet, isCompositeType(on) ? on : type, sized);
        seen.pop();
      }
    }
    return total;
  };

  const fieldCost = (
    node: FieldNode,
    parentType: GraphQLCompositeType,
    sized: { fields: string[]; size: number } | null,
  ): number => {
    const name = node.name.value;
    if (name.startsWith('__')) return 0;
    // Abstract parents: the field is looked up on the interface, or on the first member having it.
    const candidates = isAbstractType(parentType) ? [parentType, ...schema.getPossibleTypes(parentType)] : [parentType];
    let field: GraphQLField<unknown, unknown> | undefined;
    let owner = parentType.name;
    for (const t of candidates) {
      if (isObjectType(t) || 'getFields' in t) {
        const f = (t as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[name];
        if (f) {
          field = f;
          owner = t.name;
          break;
        }
      }
    }
    if (!field) return 0;
    const named = getNamedType(field.type);
    const config = options.listSizes.get(`${owner}.${name}`);
    const isList = isListType(getNullableType(field.type));
    let size = 1;
    if (isList) size = sizeOf(node, field, config);
    if (sized?.fields.includes(name)) size = sized.size;
    if (!isCompositeType(named)) return 0;
    const childSized = config?.sizedFields?.length
      ? { fields: config.sizedFields, size: sizeOf(node, field, config) }
      : null;
    const work = options.fieldWork?.[`${owner}.${name}`]?.((a) => argument(node, field!, a)) ?? 0;
    return size * (1 + work + selectionCost(node.selectionSet, named, childSized));
  };

  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  let cost = selectionCost(operation.selectionSet, root, null);
  if (operation.operation === 'mutation')
    cost += (options.mutationCost ?? 10) * operation.selectionSet.selections.length;
  return Number.isFinite(cost) ? cost : Infinity;
}

/**
 * estimateCost with these options, remembered per schema and operation when the estimate read no
 * argument that could come from the request's variables: the same operation then costs the same
 * for every request, and is walked once. Operations whose cost follows their variables (`first:
 * $n`, representations) are estimated each time. Entries go with their documents (WeakMaps).
 */
export function costEstimator(
  options: CostOptions,
): (
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
) => number {
  const memo = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, number>>();
  return (schema, document, operation, variables) => {
    const known = memo.get(schema)?.get(operation);
    if (known !== undefined) return known;
    const usage = { variables: false };
    const cost = estimateCost(schema, document, operation, variables, options, usage);
    if (!usage.variables) {
      let bySchema = memo.get(schema);
      if (!bySchema) memo.set(schema, (bySchema = new WeakMap()));
      bySchema.set(operation, cost);
    }
    return cost;
  };
}
