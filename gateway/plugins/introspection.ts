/**
 * Introspection for signed-in people only (MADOGUCHI_INTROSPECTION=signed-in, production's
 * default): staff, analysts and coordinators use the explorer with their token; an anonymous
 * caller asking for `__schema` or `__type` is refused with 401 UNAUTHENTICATED before anything is
 * planned, fetched or cached. `__typename` is not introspection and stays open.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Role } from '../../server/identity';
import { memoByNode } from '../../server/documentMemo';

/** Whether the document selects __schema or __type anywhere (walked once per document). */
export const asksIntrospection = memoByNode((document: DocumentNode): boolean => {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
});

export function signedInIntrospectionPlugin(): ApolloServerPlugin<{ viewer: { role: Role } }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if ((contextValue.viewer?.role ?? 'anonymous') !== 'anonymous') return;
          if (!document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION) || !asksIntrospection(document))
            return;
          throw new GraphQLError('introspection needs a signed-in caller: send a staff, analyst or coordinator token', {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          });
        },
      };
    },
  };
}
