/**
 * The API adapter: an agency's (or the nation's) JSON API. Requests the configured URL with its
 * query, follows pagination (page number, offset, cursor or Link header), takes the record list
 * from a dotted path, and flattens each record into raw fields named by their paths (or by the
 * config's `fields`), which the shared mapping reads like columns. An auth header's value comes
 * from an environment variable at read time.
 * `createApiAdapter(config)(ctx)`: fetching, politeness and retries come from the context.
 */
import { createHash } from 'node:crypto';
import {
  AdapterError,
  loadLocation,
  resolveLocation,
  type RecordAdapter,
  type AdapterContext,
  type RawRecord,
} from '../core/adapter';
import { columnKey } from '../core/mapping';
import { JSON_ACCEPT, firstPageParams, requestUrl, type ApiSourceConfig } from './config';

/** The value at a dotted path; through an array, the values of its elements. */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || current === undefined) return undefined;
    if (Array.isArray(current))
      current = current.map((item) =>
        item && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined,
      );
    else if (typeof current === 'object') current = (current as Record<string, unknown>)[key];
    else return undefined;
  }
  return current;
}

/**
 * Every scalar of a record under its dotted path ("detail.summary"); arrays (of scalars or of
 * objects) give one line per value under the path without index, so multi-valued fields split.
 */
export function flattenRecord(record: unknown): Record<string, string> {
  const values: Record<string, string[]> = {};
  const walk = (v: unknown, path: string): void => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, path));
    if (typeof v === 'object')
      return Object.entries(v as Record<string, unknown>).forEach(([k, x]) => walk(x, path ? `${path}.${k}` : k));
    (values[path] ??= []).push(String(v));
  };
  walk(record, '');
  // Keyed as the mapping finds them (columnKey): a JSON key with a space is still found.
  return Object.fromEntries(Object.entries(values).map(([k, vs]) => [columnKey(k), vs.join('\n')]));
}

/** The rel="next" target of an RFC 8288 Link header, resolved against the request URL. */
export function nextLink(header: string | null, base: string): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(m[2]))
      return new URL(m[1], base).toString();
  }
  return null;
}

const asCount = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};

export function createApiAdapter(config: ApiSourceConfig, baseDir = process.cwd()) {
  // A JSON file (an export, a saved answer) is read once, as it is.
  const file = /^https?:\/\//.test(config.location) ? null : resolveLocation(config.location, baseDir);
  const pagination = file ? undefined : config.pagination;
  // With several pages one answer's validators say nothing about the others: only a single
  // request is made conditionally; otherwise the content hash spares unchanged data from rewriting.
  const single = !pagination;
  return (ctx: AdapterContext): RecordAdapter => ({
    async read(state) {
      let headers: Record<string, string> | undefined;
      if (config.auth) {
        const secret = ctx.env[config.auth.env];
        if (!secret)
          throw new AdapterError(
            `environment variable ${config.auth.env} (the ${config.auth.header} header for ${config.location}) is not set`,
            'CONFIG',
          );
        headers = { [config.auth.header]: `${config.auth.prefix}${secret}` };
      }
      const fetchOpts = { timeoutMs: config.timeoutMs, retry: config.retry, accept: JSON_ACCEPT, headers };
      const hash = createHash('sha256');
      const records: RawRecord[] = [];
      let url = file ?? requestUrl(config, firstPageParams(pagination));
      let etag: string | null = null;
      let lastModified: string | null = null;
      let pageNumber = pagination?.type === 'page' ? pagination.start : 0;
      let offset = 0;
      for (let page = 1; ; page++) {
        const loaded = await loadLocation(ctx, url, { ...fetchOpts, state: single ? state : undefined });
        if (loaded.status === 'not-modified') {
          if (single) return loaded;
          throw new AdapterError(`${url} answered 304 to an unconditional request`, 'MALFORMED');
        }
        if (single) ({ etag, lastModified } = loaded);
        hash.update(loaded.body);
        let body: unknown;
        try {
          body = JSON.parse(new TextDecoder('utf-8').decode(loaded.body));
        } catch (e) {
          throw new AdapterError(`${url} did not answer JSON: ${(e as Error).message}`, 'MALFORMED');
        }
        const list = config.records ? getPath(body, config.records) : body;
        if (!Array.isArray(list)) {
          throw new AdapterError(
            `${url}: no list of records at "${config.records ?? '(the answer itself)'}"; the API's answer may have changed`,
            'MALFORMED',
          );
        }
        for (const item of list) {
          const flat = flattenRecord(item);
          for (const [name, path] of Object.entries(config.fields ?? {}))
            flat[columnKey(name)] = flat[columnKey(path)] ?? '';
          records.push({ row: records.length + 1, cells: flat });
        }
        ctx.logger.info({ url, page, records: list.length, total: records.length }, 'api page read');

        let next: string | null = null;
        if (pagination && list.length > 0) {
          switch (pagination.type) {
            case 'page': {
              const total = pagination.totalPagesPath ? asCount(getPath(body, pagination.totalPagesPath)) : null;
              const more =
                total !== null
                  ? pageNumber - pagination.start + 1 < total
                  : !(pagination.size && list.length < pagination.size);
              pageNumber += 1;
              if (more) next = requestUrl(config, { ...firstPageParams(pagination), [pagination.param]: pageNumber });
              break;
            }
            case 'offset': {
              offset += list.length;
              const total = pagination.totalPath ? asCount(getPath(body, pagination.totalPath)) : null;
              const more = total !== null ? offset < total : list.length >= pagination.size;
              if (more) next = requestUrl(config, { ...firstPageParams(pagination), [pagination.param]: offset });
              break;
            }
            case 'cursor': {
              const cursor = getPath(body, pagination.cursorPath);
              if (cursor !== null && cursor !== undefined && cursor !== '')
                next = requestUrl(config, { [pagination.param]: String(cursor) });
              break;
            }
            case 'link':
              next = nextLink(loaded.headers?.get('link') ?? null, url);
              break;
          }
        }
        if (!next || !pagination) break;
        if (page >= pagination.maxPages) {
          ctx.logger.warn({ url: next, maxPages: pagination.maxPages }, 'api pagination stopped at maxPages');
          break;
        }
        url = next;
      }
      return { status: 'ok', contentHash: hash.digest('hex'), etag, lastModified, records, rejections: [] };
    },
  });
}
