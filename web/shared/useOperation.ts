/** Runs a persisted operation whenever its variables change; a newer run aborts the older one. */
import { useEffect, useState } from 'react';
import { execute, RequestError, type PersistedDocument } from './graphql';

// Requests started before the page rendered (prefetch), taken by the first component asking; the
// answers already in, so that component renders with its data at once.
const started = new Map<string, Promise<unknown>>();
const settled = new Map<string, unknown>();
const keyOf = (document: object, variables: unknown) =>
  `${(document as { __meta__?: { hash?: string } }).__meta__?.hash}\u0000${JSON.stringify(variables)}`;

/** Sends an operation the page is about to ask for, so it does not wait for the first render. */
export function prefetch<TResult, TVariables>(
  document: PersistedDocument<TResult, TVariables>,
  variables: TVariables,
): Promise<unknown> {
  const key = keyOf(document, variables);
  const promise = execute(document, variables);
  started.set(key, promise);
  return promise.then(
    (data) => {
      if (started.get(key) === promise) settled.set(key, data);
    },
    () => {},
  );
}

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
  const [state, setState] = useState<OperationState<TResult>>(() => {
    const ready = variables !== null && !options.token ? settled.get(keyOf(document, variables)) : undefined;
    return ready !== undefined
      ? { data: ready as TResult, error: null, loading: false }
      : { data: null, error: null, loading: variables !== null };
  });
  const key = variables === null ? null : JSON.stringify(variables);
  useEffect(() => {
    if (key === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    const prefetchKey = keyOf(document, JSON.parse(key));
    const ready = options.token ? undefined : settled.get(prefetchKey);
    if (ready !== undefined) {
      // Rendered with it already (or about to be): taken once, never fetched again.
      settled.delete(prefetchKey);
      started.delete(prefetchKey);
      setState((s) => (s.data === ready ? s : { data: ready as TResult, error: null, loading: false }));
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ data: s.data, error: null, loading: true }));
    const prefetched = options.token ? undefined : started.get(prefetchKey);
    if (prefetched !== undefined) started.delete(prefetchKey);
    const run =
      (prefetched as Promise<TResult> | undefined) ??
      execute(document, JSON.parse(key) as TVariables, { token: options.token, signal: controller.signal });
    run.then(
      (data) => setState({ data, error: null, loading: false }),
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          data: null,
          error: e instanceof RequestError ? e : new RequestError(String(e), 'UNKNOWN', 0),
          loading: false,
        });
      },
    );
    return () => controller.abort();
  }, [document, key, options.token, options.retry]);
  return state;
}
