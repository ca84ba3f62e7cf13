/**
 * consultationStats answered without graphql-js's per-field execution, for the operations the
 * gateway sends for it: one `consultationStats` field, asking its scalars and `cells { keys {
 * dimension value } count suppressed }` (no labels, fragments, directives or __typename). A table
 * of 11,747 cells is some 60,000 objects and 70,000 fields to graphql-js (about 95 ms of this
 * thread per request at 1,000,000 consultations, and a third as much again collecting its
 * garbage); built here, it is two objects per cell, keys shared per code.
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
  isLeafType,
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
import type { ConsultationsContext, StatsAnswerValue, StatsKeyValue } from './context';
import { statsResolvers } from './resolvers/stats';

export type StatsResolve = (
  parent: unknown,
  args: Record<string, unknown>,
  ctx: unknown,
  info: GraphQLResolveInfo,
) => unknown;

/** The fields this path answers, per type, and how each reads its parent. */
const ANSWERED = {
  ConsultationStats: new Set(['groupBy', 'total', 'suppressedCells', 'cells']),
  StatsCell: new Set(['keys', 'count', 'suppressed']),
  StatsKey: new Set(['dimension', 'value']),
} as const;

/** A selection as this path reads it: response key, field name, and the leaf's serialiser or the sub-selection. */
interface Asked {
  key: string;
  name: string;
  leaf?: GraphQLLeafType;
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
    const named = getNamedType(type.getFields()[name].type);
    if (isLeafType(named)) {
      if (s.selectionSet) return null;
      asked.push({ key, name, leaf: named });
    } else {
      const fields = askedOf(s.selectionSet, named as GraphQLObjectType);
      if (!fields) return null;
      asked.push({ key, name, fields });
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
  const { operation, document } = ctx;
  if (!operation || !document || operation.operation !== 'query' || document.definitions.length !== 1) return null;
  if (operation.directives?.length || operation.selectionSet.selections.length !== 1) return null;
  const node = operation.selectionSet.selections[0];
  if (node.kind !== Kind.FIELD || node.name.value !== 'consultationStats' || node.directives?.length) return null;
  const field = schema.getQueryType()?.getFields().consultationStats;
  if (!field) return null;
  const fields = askedOf(node.selectionSet, getNamedType(field.type) as GraphQLObjectType);
  return fields ? { key: node.alias?.value ?? node.name.value, field, node, fields } : null;
}

/** The objects graphql-js's budgeted resolvers would count for this answer: it, its cells, their keys lists. */
function objectsOf(asked: Asked[], answer: StatsAnswerValue): number {
  const cells = asked.some((a) => a.name === 'cells') ? answer.published.shown.length : 0;
  const keyLists = asked.find((a) => a.name === 'cells')?.fields?.some((a) => a.name === 'keys') ? cells : 0;
  return 1 + cells + keyLists * answer.dims.length;
}

const leaf = (type: GraphQLLeafType, value: unknown) => (value === null ? null : type.serialize(value));

/** The answer's object, its keys in the order asked, as graphql-js would complete it. */
function build(asked: Asked[], answer: StatsAnswerValue, ctx: ConsultationsContext, info: GraphQLResolveInfo) {
  const resolve = statsResolvers.ConsultationStats as unknown as Record<string, StatsResolve>;
  const out: Record<string, unknown> = {};
  for (const a of asked) {
    const value = resolve[a.name](answer, {}, ctx, info);
    if (a.leaf) {
      out[a.key] = Array.isArray(value) ? value.map((v) => leaf(a.leaf!, v)) : leaf(a.leaf, value);
      continue;
    }
    const cells = value as Array<{ keys: StatsKeyValue[]; count: number | null; suppressed: boolean }>;
    const cellFields = a.fields!;
    // Each distinct key object once, shared by the cells that hold it.
    const keyFields = cellFields.find((f) => f.name === 'keys')?.fields ?? [];
    const keysOut = new Map<StatsKeyValue, Record<string, unknown>>();
    const keyOf = (k: StatsKeyValue) => {
      let o = keysOut.get(k);
      if (!o) {
        o = {};
        for (const f of keyFields) o[f.key] = leaf(f.leaf!, k[f.name as 'dimension' | 'value']);
        keysOut.set(k, o);
      }
      return o;
    };
    out[a.key] = cells.map((cell) => {
      const c: Record<string, unknown> = {};
      for (const f of cellFields)
        c[f.key] = f.leaf ? leaf(f.leaf, cell[f.name as 'count' | 'suppressed']) : cell.keys.map(keyOf);
      return c;
    });
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
          if (budget) {
            const objects = objectsOf(asked.fields, answer);
            try {
              budget.check();
            } catch {
              return null;
            }
            if (budget.objects + objects > budget.limits.maxObjects) return null;
            budget.addObjects(objects);
          }
          const data = { [asked.key]: build(asked.fields, answer, contextValue as ConsultationsContext, info) };
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
