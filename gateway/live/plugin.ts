/**
 * The gateway's checks on operations that reach live sources, run once per distinct operation:
 *
 * - a live field whose @requires reads built-in fields (sent to the agency's service with the
 *   entity's key) is refused to a caller whose role may not read those fields — the roles of a type
 *   are those of the root fields it is reachable from (the consultation guard's table);
 * - a live field reached through consultation records or firms — under a root field the consultation
 *   guard restricts (`consultations`, `company`, `deskCompanies` …), or on a type no anonymous caller
 *   can reach (`Company`) — is answered only for staff of the agency running the source: the gateway
 *   would send the service the keys of what the caller reached (which firms consulted, and where),
 *   and only that agency's own staff are shown nothing its service may not know;
 * - the live fields an operation selects are remembered as used: a breaking change to them is
 *   then refused until acknowledged (./registry).
 *
 * Operations that select no live field cost two WeakMap lookups.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Role, Viewer } from '../../server/identity';
import { ALLOWED } from '../plugins/consultationGuard';
import type { LiveRegistry } from './registry';

const ALL_ROLES: Role[] = ['anonymous', 'staff', 'coordinator', 'analyst'];

/** Which roles can reach each type, from the root fields it is reachable from. */
export function rolesByType(
  schema: GraphQLSchema,
  rootRoles: Record<string, Role[]> = ALLOWED,
): Map<string, Set<Role>> {
  const roles = new Map<string, Set<Role>>();
  const walk = (type: GraphQLNamedType, allowed: Role[]) => {
    let known = roles.get(type.name);
    if (!known) roles.set(type.name, (known = new Set()));
    const fresh = allowed.filter((r) => !known!.has(r));
    if (fresh.length === 0) return;
    fresh.forEach((r) => known!.add(r));
    if (isObjectType(type) || isInterfaceType(type))
      for (const f of Object.values(type.getFields())) walk(getNamedType(f.type), fresh);
    if (isUnionType(type)) for (const m of type.getTypes()) walk(m, fresh);
    if (isInterfaceType(type)) for (const m of schema.getPossibleTypes(type)) walk(m, fresh);
  };
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const f of Object.values(root.getFields())) walk(getNamedType(f.type), rootRoles[f.name] ?? ALL_ROLES);
  }
  return roles;
}

interface Decision {
  used: string[];
  /** Live fields with @requires, and what they read. */
  requiring: Array<{ field: string; needs: string[] }>;
  /** Live fields reached through consultation records or firms, and through what. */
  restricted: Array<{ field: string; through: string }>;
}

/**
 * What is reached through consultation records or firms, in the built-in graph: the root fields the
 * consultation guard restricts and any other reaching a firm or its records (`nominations`), and the
 * types found only under those (`Company`, `Nomination` …), not under any open root field.
 */
export interface FirmScope {
  roots: Set<string>;
  types: Set<string>;
}

/** Firms and their records: what a path through makes everything under it private. */
const FIRM_ANCHORS = ['Company', 'Consultation'];

function reachable(schema: GraphQLSchema, starts: GraphQLNamedType[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...starts];
  while (pending.length) {
    const type = pending.pop()!;
    if (seen.has(type.name)) continue;
    seen.add(type.name);
    if (isObjectType(type) || isInterfaceType(type))
      for (const f of Object.values(type.getFields())) pending.push(getNamedType(f.type));
    if (isUnionType(type)) pending.push(...type.getTypes());
    if (isInterfaceType(type)) pending.push(...schema.getPossibleTypes(type));
  }
  return seen;
}

export function firmScope(schema: GraphQLSchema, guarded: Record<string, unknown> = ALLOWED): FirmScope {
  const roots = new Set<string>();
  const open: GraphQLNamedType[] = [];
  const closed: GraphQLNamedType[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const f of Object.values(root.getFields())) {
      const type = getNamedType(f.type);
      if (guarded[f.name] || FIRM_ANCHORS.some((t) => reachable(schema, [type]).has(t))) {
        roots.add(f.name);
        closed.push(type);
      } else open.push(type);
    }
  }
  const public_ = reachable(schema, open);
  const types = new Set(
    [...reachable(schema, closed)].filter((t) => !public_.has(t) && isCompositeType(schema.getType(t))),
  );
  return { roots, types };
}

/**
 * Calls `onField` for each field the operation selects, with its parent type and what makes it
 * private (a restricted root field or a firm's type on its path; null when nothing does),
 * fragments followed from where they are spread.
 */
function forEachFieldWithScope(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  scope: FirmScope,
  onField: (parent: GraphQLCompositeType, node: FieldNode, through: string | null) => void,
): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const seen = new Set<string>();
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  const walk = (type: GraphQLNamedType | undefined, set: SelectionSetNode, through: string | null): void => {
    if (!type || !isCompositeType(type)) return;
    const here = through ?? (scope.types.has(type.name) ? type.name : null);
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        const under = here ?? (type === root && scope.roots.has(s.name.value) ? s.name.value : null);
        onField(type, s, here);
        const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[s.name.value] : undefined;
        if (field && s.selectionSet) walk(getNamedType(field.type), s.selectionSet, under);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        walk(s.typeCondition ? schema.getType(s.typeCondition.name.value) : type, s.selectionSet, here);
      } else {
        const fragment = fragments.get(s.name.value);
        const key = `${s.name.value}\u0000${here ?? ''}`;
        if (!fragment || seen.has(key)) continue;
        seen.add(key);
        walk(schema.getType(fragment.typeCondition.name.value), fragment.selectionSet, here);
      }
    }
  };
  if (root) walk(root, operation.selectionSet, null);
}

function decide(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  registry: LiveRegistry,
  scope: FirmScope,
): Decision {
  const used = new Set<string>();
  const requiring: Decision['requiring'] = [];
  const restricted = new Map<string, string>();
  forEachFieldWithScope(schema, document, operation, scope, (parent, node, through) => {
    const coordinate = `${parent.name}.${node.name.value}`;
    if (!registry.owners.has(coordinate)) return;
    used.add(coordinate);
    const needs = registry.requires.get(coordinate);
    if (needs && !requiring.some((r) => r.field === coordinate)) requiring.push({ field: coordinate, needs });
    if (through && !restricted.has(coordinate)) restricted.set(coordinate, through);
  });
  return {
    used: [...used],
    requiring,
    restricted: [...restricted].map(([field, through]) => ({ field, through })),
  };
}

/** The agency running a live source (`<agencyId>/<sourceId>`). */
const agencyOf = (source: string | undefined): string | undefined => source?.split('/')[0];

export function liveFieldsPlugin(
  registry: LiveRegistry,
  /**
   * The built-in graph alone: who may reach each type (rolesByType) and what is reached through
   * firms (firmScope). Read from the served schema instead, a live source adding
   * `Query.firms: [Company]` would make firms public, and its fields on them open to every caller.
   */
  builtin?: { roles: Map<string, Set<Role>>; scope: FirmScope },
): ApolloServerPlugin<{ viewer?: Pick<Viewer, 'role'> & Partial<Pick<Viewer, 'agencyId'>> }> {
  const decisions = new WeakMap<OperationDefinitionNode, Decision>();
  const served = new WeakMap<GraphQLSchema, { roles: Map<string, Set<Role>>; scope: FirmScope }>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, contextValue }) {
          if (!operation || registry.owners.size === 0) return;
          let graph = builtin ?? served.get(schema);
          if (!graph) served.set(schema, (graph = { roles: rolesByType(schema), scope: firmScope(schema) }));
          const byType = graph.roles;
          let decision = decisions.get(operation);
          if (!decision) {
            decision = decide(schema, document, operation, registry, graph.scope);
            decisions.set(operation, decision);
          }
          for (const c of decision.used) registry.used.add(c);
          const role = contextValue.viewer?.role ?? 'anonymous';
          for (const { field, needs } of decision.requiring) {
            for (const need of needs) {
              const [typeName, fieldName] = need.split('.');
              const type = schema.getType(typeName);
              const returned = isObjectType(type) ? type.getFields()[fieldName] : undefined;
              const reach = [typeName, ...(returned ? [getNamedType(returned.type).name] : [])];
              if (reach.every((t) => byType.get(t)?.has(role) ?? true)) continue;
              throw new GraphQLError(
                `${field} (live source ${registry.owners.get(field)}) needs ${need}, which role ${role} may not read`,
                { extensions: { code: 'FORBIDDEN', http: { status: 403 } } },
              );
            }
          }
          for (const { field, through } of decision.restricted) {
            const source = registry.owners.get(field);
            const agency = agencyOf(source);
            if (role === 'staff' && agency && contextValue.viewer?.agencyId === agency) continue;
            throw new GraphQLError(
              `${field} (live source ${source}) is reached through ${through}: an agency's service is sent what a caller reaches through consultation records or firms only when the caller is that agency's staff`,
              { extensions: { code: 'FORBIDDEN', http: { status: 403 } } },
            );
          }
        },
      };
    },
  };
}
