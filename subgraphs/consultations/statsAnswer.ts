/**
 * consultationStats answered without graphql-js's per-field execution, for the operations the
 * gateway sends for it: one `consultationStats` field, asking its scalars, `cells { keys {
 * dimension value } count suppressed }` and `columns { keys { dimension values codes } counts
 * suppressed }` (no labels, fragments, directives or __typename). A table of 11,747 cells is some
 * 60,000 objects and 70,000 fields to graphql-js (about 95 ms of this thread per request at
 * 1,000,000 consultations, and a third as much again collecting its garbage); built here, it is
 * two objects per cell, keys shared per code (as columns, a few lists).
 *
 * The answer is the same, byte for byte: the same resolvers read the same published table (the
 * Query resolver's checks, gate, cell-key perturbation and charge included), the leaves go through
 * the schema's own serialisers, keys come in the order asked, and the request's execution budget
 * is charged the objects graphql-js would have counted (../../server/budget.ts). Whatever is not
 * plainly that — another selection, a refusal or error of the resolver, a budget or time that
 * would run out — goes the ordinary way, which then meets the same table (the request's own
 * memo: computed and charged once) or the same error.
 */
import type { ApolloServerPlugin, GraphQLRequestContext, GraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLLeafType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';
import { budgetOf } from '../../server/budget';
import { soleQueryField } from '../../server/soleField';
import type { ConsultationsContext, StatsAnswerValue } from './context';
import { statsResolvers } from './resolvers/stats';

export type StatsResolve = (
  parent: unknown,
  args: Record<string, unknown>,
  ctx: unknown,
  info: GraphQLResolveInfo,
) => unknown;

/** The fields this path answers, per type, and how each reads its parent. */
const ANSWERED = {
  ConsultationStats: new Set(['groupBy', 'total', 'suppressedCells', 'cells', 'columns']),
  StatsCell: new Set(['keys', 'count', 'suppressed']),
  StatsKey: new Set(['dimension', 'value']),
  StatsColumns: new Set(['keys', 'counts', 'suppressed']),
  StatsKeyColumn: new Set(['dimension', 'values', 'codes']),
} as const;

/** The resolvers of those types (a field without one reads its parent's property, as graphql-js's default). */
const RESOLVERS = statsResolvers as unknown as Record<string, Record<string, StatsResolve> | undefined>;

/** A selection as this path reads it: response key, field name, whether a list, and the leaf's serialiser or the object's type and sub-selection. */
interface Asked {
  key: string;
  name: string;
  list: boolean;
  leaf?: GraphQLLeafType;
  type?: string;
  fields?: Asked[];
}

/** The selection of `type` as plain fields, or null when it holds anything this path leaves to graphql-js. */
function askedOf(selectionSet: SelectionSetNode | undefined, type: GraphQLObjectType): Asked[] | null {
  const answered = ANSWERED[type.name as keyof typeof ANSWERED] as Set<string> | undefined;
  if (!selectionSet || !answered) return null;
  const asked: Asked[] = [];
  const keys = new Set<string>();
  for (const s of selectionSet.selections) {
    if (s.kind !== Kind.FIELD || s.directives?.length || s.arguments?.length) return null;
    const name = s.name.value;
    const key = s.alias?.value ?? name;
    // A response key asked twice is merged by graphql-js: left to it.
    if (!answered.has(name) || keys.has(key)) return null;
    keys.add(key);
    const fieldType = type.getFields()[name].type;
    const list = isListType(getNullableType(fieldType));
    const named = getNamedType(fieldType);
    if (isLeafType(named)) {
      if (s.selectionSet) return null;
      asked.push({ key, name, list, leaf: named });
    } else {
      const fields = askedOf(s.selectionSet, named as GraphQLObjectType);
      if (!fields) return null;
      asked.push({ key, name, list, type: named.name, fields });
    }
  }
  return asked;
}

/** What an operation asks of consultationStats, when it is one this path answers. */
interface StatsOperation {
  key: string;
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
  fields: Asked[];
}

function statsOperationOf(schema: GraphQLSchema, ctx: GraphQLRequestContext<object>): StatsOperation | null {
  const node = soleQueryField(ctx.operation, ctx.document);
  if (node?.name.value !== 'consultationStats') return null;
  const field = schema.getQueryType()?.getFields().consultationStats;
  if (!field) return null;
  const fields = askedOf(node.selectionSet, getNamedType(field.type) as GraphQLObjectType);
  return fields ? { key: node.alias?.value ?? node.name.value, field, node, fields } : null;
}

const leaf = (type: GraphQLLeafType, value: unknown) =>
  value === null || value === undefined ? null : type.serialize(value);

/**
 * `source` as graphql-js would complete it for `asked` (of type `type`): its keys in the order
 * asked, leaves through their serialisers. Counts in `count.objects` what the budgeted resolvers
 * would (../../server/budget.ts: each object, and each item of a list of objects). A StatsKey is one
 * object per distinct code, shared by the cells: built once.
 */
function complete(
  asked: Asked[],
  type: string,
  source: unknown,
  ctx: ConsultationsContext,
  info: GraphQLResolveInfo,
  count: { objects: number },
  shared: Map<unknown, Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of asked) {
    const resolve = RESOLVERS[type]?.[a.name];
    const value = resolve ? resolve(source, {}, ctx, info) : (source as Record<string, unknown>)[a.name];
    if (a.leaf) {
      out[a.key] =
        a.list && value !== null && value !== undefined
          ? Array.from(value as Iterable<unknown>, (v) => leaf(a.leaf!, v))
          : leaf(a.leaf, value);
      continue;
    }
    const object = (v: unknown) => {
      if (v === null || v === undefined) return null;
      if (a.type !== 'StatsKey') return complete(a.fields!, a.type!, v, ctx, info, count, shared);
      let o = shared.get(v);
      if (!o) shared.set(v, (o = complete(a.fields!, a.type, v, ctx, info, count, shared)));
      return o;
    };
    if (a.list && value !== null && value !== undefined) {
      const items = value as unknown[];
      count.objects += items.length;
      out[a.key] = items.map(object);
    } else {
      if (value !== null && value !== undefined) count.objects += 1;
      out[a.key] = object(value);
    }
  }
  return out;
}

/** The subgraph plugin: answers the operations above itself, and leaves every other to graphql-js. */
export function statsAnswerPlugin(
  resolveStats: StatsResolve,
  /** Told of each answer given here (tests). */
  onAnswer?: () => void,
): ApolloServerPlugin<object> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation(requestContext): Promise<GraphQLResponse | null> {
          const { schema, operation, contextValue } = requestContext;
          const asked = statsOperationOf(schema, requestContext);
          if (!asked || !operation) return null;
          const variables = getVariableValues(
            schema,
            operation.variableDefinitions ?? [],
            requestContext.request.variables ?? {},
          );
          if (variables.errors) return null;
          let args: Record<string, unknown>;
          try {
            args = getArgumentValues(asked.field, asked.node, variables.coerced);
          } catch {
            return null;
          }
          const budget = budgetOf(contextValue);
          const info = { fieldName: 'consultationStats', variableValues: variables.coerced } as GraphQLResolveInfo;
          let answer: StatsAnswerValue;
          try {
            budget?.check();
            answer = (await resolveStats(undefined, args, contextValue, info)) as StatsAnswerValue;
          } catch {
            // The ordinary way meets the same refusal (the request's memo keeps the table's outcome).
            return null;
          }
          const count = { objects: 1 };
          const value = complete(
            asked.fields,
            'ConsultationStats',
            answer,
            contextValue as ConsultationsContext,
            info,
            count,
            new Map(),
          );
          if (budget) {
            try {
              budget.check();
            } catch {
              return null;
            }
            if (budget.objects + count.objects > budget.limits.maxObjects) return null;
            budget.addObjects(count.objects);
          }
          const data = { [asked.key]: value };
          onAnswer?.();
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data } },
          };
        },
      };
    },
  };
}
