/** Runs a persisted operation whenever its variables change; a newer run aborts the older one. */
import { useEffect, useState } from 'react';
import { execute, RequestError, type PersistedDocument } from './graphql';

export interface OperationState<T> {
  data: T | null;
  error: RequestError | null;
  loading: boolean;
}

export function useOperation<TResult, TVariables>(
  document: PersistedDocument<TResult, TVariables>,
  variables: TVariables | null,
  options: { token?: string | null; retry?: number } = {},
): OperationState<TResult> {
  const [state, setState] = useState<OperationState<TResult>>({ data: null, error: null, loading: variables !== null });
  const key = variables === null ? null : JSON.stringify(variables);
  useEffect(() => {
    if (key === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ data: s.data, error: null, loading: true }));
    execute(document, JSON.parse(key) as TVariables, { token: options.token, signal: controller.signal }).then(
      (data) => setState({ data, error: null, loading: false }),
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setState({ data: null, error: e instanceof RequestError ? e : new RequestError(String(e), 'UNKNOWN', 0), loading: false });
      },
    );
    return () => controller.abort();
  }, [document, key, options.token, options.retry]);
  return state;
}
