/**
 * How the pages talk to the gateway: each operation is sent as a persisted document — its
 * client-preset hash as `documentId`, never its text — with the caller's token, when there is
 * one, in the Authorization header (never in a URL). Errors come back as one type carrying the
 * GraphQL error code, so a page can tell "sign in" from "not allowed" from "try again".
 */
import type { TypedDocumentString } from '../gql/graphql';

/** An operation as client-preset generates it: its types, and its hash in place of its text. */
export type PersistedDocument<TResult, TVariables> = TypedDocumentString<TResult, TVariables>;

export class RequestError extends Error {
  constructor(
    message: string,
    /** `extensions.code` of the first error, or NETWORK / HTTP_<status>. */
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const ENDPOINT = '/graphql';

export async function execute<TResult, TVariables>(
  document: PersistedDocument<TResult, TVariables>,
  variables: TVariables,
  options: { token?: string | null; signal?: AbortSignal } = {},
): Promise<TResult> {
  const documentId = (document.__meta__ as { hash?: string } | undefined)?.hash;
  if (!documentId)
    throw new RequestError('this operation has no persisted hash (run npm run codegen)', 'NOT_PERSISTED', 0);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(ENDPOINT, {
      method: 'POST',
      headers,
      body: JSON.stringify({ documentId, variables }),
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new RequestError('サーバーに接続できませんでした', 'NETWORK', 0);
  }
  let body: { data?: TResult | null; errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const first = body?.errors?.[0];
  if (first || !body?.data) {
    throw new RequestError(
      first?.message ?? `HTTP ${response.status}`,
      first?.extensions?.code ?? `HTTP_${response.status}`,
      response.status,
    );
  }
  return body.data;
}
