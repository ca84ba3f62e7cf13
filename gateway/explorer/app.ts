/**
 * The explorer page's script: GraphiQL against this gateway, with the example operations as tabs
 * and the headers pane open for a bearer token. Bundled by esbuild and served by the gateway.
 *
 * Share links: `/explorer?query=…&variables=…` opens that operation in a tab, and the address bar
 * follows the tab in use, so copying it shares what is on screen — never its headers, which may
 * hold a token. GraphiQL keeps its tabs in sessionStorage, so they last for the browser session
 * only; the headers are kept with them only when the user turns on "Persist headers" in the
 * settings, and are gone when the session ends.
 */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { EXAMPLE_OPERATIONS } from './examples';

const endpoint = new URL('../graphql', window.location.href).toString();

async function fetcher(params: unknown, options?: { headers?: Record<string, unknown> }) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  for (const [k, v] of Object.entries(options?.headers ?? {})) {
    // An untouched placeholder token is not sent.
    if (typeof v === 'string' && !v.includes('<')) headers[k.toLowerCase()] = v;
  }
  const res = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(params) });
  return res.json();
}

interface TabLike {
  query: string | null;
  variables?: string | null;
}

/** The explorer's address for a tab: its operation and variables, nothing else. */
export function shareUrl(tab: TabLike, base: string = window.location.pathname): string {
  const params = new URLSearchParams();
  if (tab.query) params.set('query', tab.query);
  if (!noVariables(tab.variables)) params.set('variables', tab.variables!);
  const search = params.toString();
  return search ? `${base}?${search}` : base;
}

const noVariables = (v: string | null | undefined) => !v || !v.trim() || v.trim() === '{}';

function sessionStore(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function readStored(storage: Storage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Whether GraphiQL's saved tabs (this session's) already hold this operation: a reload, not a new link. */
function alreadyOpen(storage: Storage | undefined, query: string, variables: string | undefined): boolean {
  try {
    const saved = JSON.parse(storage?.getItem('graphiql:tabState') ?? 'null') as { tabs?: TabLike[] } | null;
    return (saved?.tabs ?? []).some(
      (t) => t.query === query && (t.variables === variables || (noVariables(t.variables) && noVariables(variables))),
    );
  } catch {
    return false;
  }
}

const storage = sessionStore();
// GraphiQL applies its shouldPersistHeaders prop once on every load, writing it over the user's own
// choice (an absent prop means off, which also clears the saved headers): so the prop is the choice
// this session saved, and a reload keeps the headers when the user turned persisting on.
const persistHeaders = readStored(storage, 'graphiql:shouldPersistHeaders') === 'true';
const shared = new URLSearchParams(window.location.search);
const linked = shared.get('query') ?? undefined;
const sharedVariables = shared.get('variables') ?? undefined;
// A reload keeps the tabs as they were; only a link to an operation not open yet adds a tab.
const sharedQuery = linked && !alreadyOpen(storage, linked, sharedVariables) ? linked : undefined;

const exampleTabs = EXAMPLE_OPERATIONS.map((op) => ({
  query: op.query,
  variables: op.variables ? JSON.stringify(op.variables, null, 2) : undefined,
  headers: op.headers ? JSON.stringify(op.headers, null, 2) : undefined,
}));

const root = document.getElementById('explorer');
if (root) {
  createRoot(root).render(
    createElement(GraphiQL, {
      fetcher,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      storage,
      showPersistHeadersSettings: true,
      shouldPersistHeaders: persistHeaders,
      // A shared link's operation comes first; with tabs already open it is added as a new one.
      query: sharedQuery,
      variables: sharedQuery ? sharedVariables : undefined,
      defaultTabs: sharedQuery ? [{ query: sharedQuery, variables: sharedVariables }, ...exampleTabs] : exampleTabs,
      onTabChange: (state: { activeTabIndex: number; tabs: TabLike[] }) => {
        const tab = state.tabs[state.activeTabIndex];
        if (tab) window.history.replaceState(null, '', shareUrl(tab));
      },
    } as never),
  );
}
