/**
 * The shape both analysts' fast paths accept (gateway/statsPassThrough.ts, subgraphs/consultations/
 * statsAnswer.ts): a query that is its document's only definition, asking one root field, with no
 * directive on the operation or that field.
 */
import { Kind, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';

/** The query's one root field, or null when the operation is not of that shape. */
export function soleQueryField(
  operation: OperationDefinitionNode | undefined,
  document: DocumentNode | undefined,
): FieldNode | null {
  if (!operation || !document || operation.operation !== 'query' || document.definitions.length !== 1) return null;
  if (operation.directives?.length || operation.selectionSet.selections.length !== 1) return null;
  const node = operation.selectionSet.selections[0];
  return node.kind === Kind.FIELD && !node.directives?.length ? node : null;
}
