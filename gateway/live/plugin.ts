/**
 * The gateway's checks on operations that reach live sources, run once per distinct operation:
 *
 * - a live field whose @requires reads built-in fields (sent to the agency's service with the
 *   entity's key) is refused to a caller whose role may not read those fields — the roles of a type
 *   are those of the root fields it is reachable from (the consultation guard's table);
 * - the live fields an operation selects are remembered as used: a breaking change to them is
 *   then refused until acknowledged (./registry).
 *
 * Operations that select no live field cost one WeakMap lookup.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Role } from '../../server/identity';
import { forEachSelectedField } from '../operationFields';
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
}

function decide(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  registry: LiveRegistry,
): Decision {
  const used = new Set<string>();
  const requiring: Decision['requiring'] = [];
  forEachSelectedField(schema, document, operation, (parent, node) => {
    if (!parent) return undefined;
    const coordinate = `${parent.name}.${node.name.value}`;
    if (!registry.owners.has(coordinate)) return undefined;
    used.add(coordinate);
    const needs = registry.requires.get(coordinate);
    if (needs) requiring.push({ field: coordinate, needs });
    return undefined;
  });
  return { used: [...used], requiring };
}

export function liveFieldsPlugin(registry: LiveRegistry): ApolloServerPlugin<{ viewer?: { role: Role } }> {
  const decisions = new WeakMap<OperationDefinitionNode, Decision>();
  const roles = new WeakMap<GraphQLSchema, Map<string, Set<Role>>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, contextValue }) {
          if (!operation || registry.owners.size === 0) return;
          let decision = decisions.get(operation);
          if (!decision) {
            decision = decide(schema, document, operation, registry);
            decisions.set(operation, decision);
          }
          for (const c of decision.used) registry.used.add(c);
          if (decision.requiring.length === 0) return;
          const role = contextValue.viewer?.role ?? 'anonymous';
          let byType = roles.get(schema);
          if (!byType) roles.set(schema, (byType = rolesByType(schema)));
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
        },
      };
    },
  };
}
