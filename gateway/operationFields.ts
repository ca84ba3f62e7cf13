/** Walking the fields an operation selects, with their parent types, fragments followed. */
import {
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** Calls `onField` for each field the operation selects; returning false skips the field's selections. */
export function forEachSelectedField(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  onField: (parent: GraphQLCompositeType | null | undefined, node: FieldNode) => boolean | undefined,
): void {
  const typeInfo = new TypeInfo(schema);
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  visit(
    { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
    visitWithTypeInfo(typeInfo, { Field: (node) => onField(typeInfo.getParentType(), node) }),
  );
}
