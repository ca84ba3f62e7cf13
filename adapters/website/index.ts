/**
 * The website adapter: an agency's programme list as HTML pages. Reads the list page and the
 * pages after it (a "next" link), optionally a detail page per record, and extracts raw records
 * keyed by the config's field names, which the shared mapping then reads like columns.
 * `createWebsiteAdapter(config)(ctx)`: fetching, politeness and retries come from the context
 * through loadLocation. Markup that no longer matches the selectors fails the source — its last
 * good data stays, marked stale — instead of landing an empty or half-empty snapshot.
 */
import { createHash } from 'node:crypto';
import { columnKey, requiredColumns } from '../core/mapping';
import {
  AdapterError,
  loadLocation,
  resolveLocation,
  type RecordAdapter,
  type AdapterContext,
  type RawRecord,
} from '../core/adapter';
import type { RowRejection } from '../../domain/records';
import { HTML_ACCEPT, toFieldRules, type FieldRule, type WebsiteSourceConfig } from './config';
import { decodeHtml, extractFields, extractList, MAX_PAGE_BYTES, parsePage, type ListItem } from './extract';

const NOT_FOUND = new Set([404, 410]);

/**
 * Fails when the markup no longer matches: a field the mapping cannot do without matched in none
 * of the records, or no field matched anything at all (a redesigned detail page would otherwise
 * land every record without its details).
 */
function checkMatches(
  rules: Record<string, FieldRule>,
  required: string[],
  cells: Array<Record<string, string | undefined>>,
  where: string,
): void {
  const names = Object.keys(rules);
  if (cells.length === 0 || names.length === 0) return;
  const matched = (name: string) => cells.some((c) => c[name] !== undefined);
  for (const name of required) {
    if (!rules[name] || matched(name)) continue;
    throw new AdapterError(
      `field "${name}" (${rules[name].selector ?? 'the record itself'}) matched nothing in any of ${cells.length} ${where}: the markup may have changed`,
      'MALFORMED',
    );
  }
  if (!names.some(matched)) {
    throw new AdapterError(
      `none of the fields (${names.join(', ')}) matched anything in any of ${cells.length} ${where}: the markup may have changed`,
      'MALFORMED',
    );
  }
}

export function createWebsiteAdapter(config: WebsiteSourceConfig, baseDir = process.cwd()) {
  const location = resolveLocation(config.location, baseDir);
  const listRules = toFieldRules(config.fields);
  const detailRules = config.detail ? toFieldRules(config.detail.fields) : {};
  const required = requiredColumns(config.entity, config.mapping).map(columnKey);
  // With several pages one page's validators say nothing about the others: only a single page
  // is fetched conditionally; otherwise the content hash spares unchanged data from rewriting.
  const single = !config.pagination && !config.detail;
  const fetchOpts = { timeoutMs: config.timeoutMs, retry: config.retry, accept: HTML_ACCEPT, maxBytes: MAX_PAGE_BYTES };

  return (ctx: AdapterContext): RecordAdapter => ({
    async read(state) {
      const hash = createHash('sha256');
      const first = await loadLocation(ctx, location, { ...fetchOpts, state: single ? state : undefined });
      if (first.status === 'not-modified') return first;

      const items: ListItem[] = [];
      // Pages to read, in the order found: the first, then each "next" link and every numbered
      // page link a page gives (1 2 3 …), each address once.
      const queued: string[] = [];
      const visited = new Set<string>([location]);
      const enqueue = (u: string | null) => {
        if (!u) return;
        const key = u.replace(/#.*$/, '');
        if (visited.has(key)) return;
        visited.add(key);
        queued.push(key);
      };
      // A site that ignores an unknown page number answers with a page already read: it adds nothing.
      const pagesSeen = new Set<string>();
      let loaded: typeof first | undefined = first;
      let url = location;
      for (let page = 1; loaded; page++) {
        const pageHash = createHash('sha256').update(loaded.body).digest('hex');
        if (!pagesSeen.has(pageHash)) {
          pagesSeen.add(pageHash);
          hash.update(loaded.body);
          const parsed = parsePage(decodeHtml(loaded.body, loaded.contentType, config.encoding), url);
          const list = extractList(parsed, {
            records: config.records,
            fields: listRules,
            detailLink: config.detail?.link,
            next: config.pagination?.next,
            pages: config.pagination?.pages,
          });
          if (list.items.length === 0) {
            throw new AdapterError(
              `"${config.records}" matched nothing on ${url}: the page's markup may have changed`,
              'MALFORMED',
            );
          }
          items.push(...list.items);
          ctx.logger.info({ url, page, records: list.items.length, total: items.length }, 'website page read');
          if (config.pagination) {
            enqueue(list.next);
            for (const p of list.pages) enqueue(p);
          }
        }
        loaded = undefined;
        const nextUrl = queued.shift();
        if (!nextUrl) break;
        if (page >= (config.pagination?.maxPages ?? 1)) {
          ctx.logger.warn(
            { url: nextUrl, maxPages: config.pagination?.maxPages },
            'website pagination stopped at maxPages',
          );
          break;
        }
        url = nextUrl;
        const next = await loadLocation(ctx, url, fetchOpts);
        if (next.status === 'not-modified')
          throw new AdapterError(`${url} answered 304 to an unconditional request`, 'MALFORMED');
        loaded = next;
      }
      checkMatches(
        listRules,
        required,
        items.map((i) => i.cells),
        'records on the list pages',
      );

      const rejections: RowRejection[] = [];
      const records: RawRecord[] = [];
      if (!config.detail) {
        items.forEach((item, i) => records.push({ row: i + 1, cells: item.cells }));
      } else {
        const link = config.detail.link;
        // Detail pages are fetched together; the context's per-host limit keeps it polite.
        const details = await Promise.all(
          items.map(
            async (item, i): Promise<{ cells: Record<string, string | undefined>; body: Buffer } | RowRejection> => {
              const row = i + 1;
              if (!item.detailUrl)
                return { row, field: null, value: null, reason: `no detail link ("${link}") in this record` };
              try {
                const page = await loadLocation(ctx, item.detailUrl, fetchOpts);
                if (page.status === 'not-modified')
                  throw new AdapterError(`${item.detailUrl} answered 304 to an unconditional request`, 'MALFORMED');
                const parsed = parsePage(decodeHtml(page.body, page.contentType, config.encoding), item.detailUrl);
                return { cells: extractFields(parsed, null, detailRules), body: page.body };
              } catch (e) {
                // A record whose page is gone is refused alone; any other failure fails the source.
                if (e instanceof AdapterError && NOT_FOUND.has(e.status ?? 0))
                  return { row, field: null, value: item.detailUrl, reason: e.message };
                throw e;
              }
            },
          ),
        );
        const read: Array<Record<string, string | undefined>> = [];
        details.forEach((d, i) => {
          if ('reason' in d) return rejections.push(d);
          hash.update(d.body);
          read.push(d.cells);
          records.push({ row: i + 1, cells: { ...items[i].cells, ...d.cells } });
        });
        checkMatches(detailRules, required, read, 'detail pages');
      }
      return {
        status: 'ok',
        contentHash: hash.digest('hex'),
        etag: single ? first.etag : null,
        lastModified: single ? first.lastModified : null,
        records,
        rejections,
      };
    },
  });
}
