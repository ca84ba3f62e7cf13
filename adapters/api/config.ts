/**
 * The API source's settings as the adapter uses them. The schema sits in the agency config's
 * union (core/config.ts); this builds each request's URL from the configured query and the
 * pagination's own parameters.
 */
import type { ApiSourceConfig } from '../core/config';

export type { ApiSourceConfig };
export type ApiPagination = NonNullable<ApiSourceConfig['pagination']>;

export const JSON_ACCEPT = 'application/json, */*;q=0.5';

/** The location with the configured query and then `extra` (pagination) parameters set. */
export function requestUrl(
  config: Pick<ApiSourceConfig, 'location' | 'query'>,
  extra: Record<string, string | number> = {},
): string {
  const url = new URL(config.location);
  for (const [k, v] of Object.entries({ ...config.query, ...extra })) url.searchParams.set(k, String(v));
  return url.toString();
}

/** The first page's pagination parameters. */
export function firstPageParams(p: ApiPagination | undefined): Record<string, string | number> {
  if (!p) return {};
  switch (p.type) {
    case 'page':
      return { [p.param]: p.start, ...(p.sizeParam && p.size ? { [p.sizeParam]: p.size } : {}) };
    case 'offset':
      return { [p.param]: 0, [p.sizeParam]: p.size };
    case 'cursor':
    case 'link':
      return {};
  }
}
