/**
 * Control characters in a request's arguments (NUL and the other C0 controls but tab, line feed
 * and carriage return; DEL) are refused as BAD_USER_INPUT before anything runs: no stored text
 * holds them, PostgreSQL cannot hold NUL at all, and a NUL that reached the store came back as an
 * internal error. Checked in variables and in string literals of the document (a literal may
 * spell one as "\u0000"), by the gateway and again by each subgraph.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { memoByNode } from './documentMemo';

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function inValue(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (CONTROL.test(v)) return true;
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (CONTROL.test(k)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

// The document's literals are the same for every request sending it: walked once per document.
const inDocument = memoByNode((document: DocumentNode): boolean => {
  let found = false;
  visit(document, {
    [Kind.STRING](node) {
      if (CONTROL.test(node.value)) found = true;
    },
  });
  return found;
});

/** Whether a request's variables or document carry a control character. */
export function hasControlCharacters(document: DocumentNode, variables: unknown): boolean {
  return inValue(variables) || inDocument(document);
}

export function controlCharactersPlugin(): ApolloServerPlugin<object> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          if (hasControlCharacters(document, request.variables))
            throw new GraphQLError(
              'arguments may not contain control characters (NUL, escapes and the like): remove them',
              { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
            );
        },
      };
    },
  };
}
