/**
 * The explorer page's script: GraphiQL against this gateway, with the example operations as tabs
 * and the headers pane open for a bearer token. Bundled by esbuild and served by the gateway.
 */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { EXAMPLE_OPERATIONS } from './examples';

const endpoint = new URL('../graphql', window.location.href).toString();

async function fetcher(params: unknown, options?: { headers?: Record<string, unknown> }) {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  for (const [k, v] of Object.entries(options?.headers ?? {})) {
    // An untouched placeholder token is not sent.
    if (typeof v === 'string' && !v.includes('<')) headers[k.toLowerCase()] = v;
  }
  const res = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(params) });
  return res.json();
}

const root = document.getElementById('explorer');
if (root) {
  createRoot(root).render(
    createElement(GraphiQL, {
      fetcher,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultTabs: EXAMPLE_OPERATIONS.map((op) => ({
        query: op.query,
        variables: op.variables ? JSON.stringify(op.variables, null, 2) : undefined,
        headers: op.headers ? JSON.stringify(op.headers, null, 2) : undefined,
      })),
    } as never),
  );
}
