/**
 * Feeds of a one-stop search, no account needed: `/feeds/programs.atom?<the page's parameters>`
 * (Atom 1.0, written by the `feed` library) and `/feeds/programs.ics?…` (iCalendar, written by
 * `ical-generator`). Built on the graph: the gateway runs the registered operations
 * ProgramFeedAtom / ProgramFeedCalendar as an anonymous caller, so only public programme data can
 * come out. Cache-friendly: a strong ETag of the body and Last-Modified from the newest entry,
 * answered with 304 to a matching If-None-Match or If-Modified-Since; bounded (the query string,
 * 100 entries, 400 dates).
 *
 * Rendered once per snapshot: each body is kept (FeedCache, bounded in bytes) under everything
 * that changes it — the feed's kind and normalized search, the caller's entitlement (always
 * anonymous here), the data's generation (bumped whenever a sync writes a snapshot) and the day in
 * Japan (deadlines draw near by the calendar) — and readers asking for the same feed at once wait
 * for one build. A gateway told of no snapshots (no store to listen to) still rebuilds a feed
 * after FEED_TTL_MS.
 *
 * Links point at MADOGUCHI_PUBLIC_URL, else at the gateway's own listen address: never at the
 * request's Host header, which a caller chooses and which would then reach every reader of the
 * cached feed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { Feed } from 'feed';
import ical from 'ical-generator';
import type { Logger } from 'pino';
import {
  AlertSearchError,
  alertSearchFromParams,
  alertSearchParams,
  describeAlertSearch,
  type AlertSearch,
} from '../domain/alertSearch';
import { ANONYMOUS, type Viewer } from '../server/identity';
import type { Route } from '../server/http';
import { boundedCache, stringBytes, type BoundedCache } from './caches';
import type { ProgramFeedAtomQuery, ProgramFeedCalendarQuery } from './operations.generated';

const operation = (name: string) => readFileSync(join(__dirname, 'operations', `${name}.graphql`), 'utf8');
const ATOM_OPERATION = operation('ProgramFeedAtom');
const CALENDAR_OPERATION = operation('ProgramFeedCalendar');

/** Longest query string a feed URL may carry (the page's own are far shorter). */
const MAX_QUERY = 2_000;

const KIND_LABEL: Record<string, string> = {
  NEW: '新着',
  CHANGED: '変更',
  CLOSED: '受付終了',
  CLOSING_SOON: '締切間近',
};

const FIELD_LABEL: Record<string, string> = {
  title: '施策名',
  maxAmount: '上限額',
  maxAmountText: '上限額',
  subsidyRate: '補助率',
  opensOn: '受付開始',
  closesOn: '受付終了',
  areaCodes: '対象地域',
  employeeCeiling: '従業員数の上限',
  industries: '対象業種',
  kind: '種別',
  status: '受付状況',
};

/** The operations' answers, as codegen types them from the supergraph. */
type AtomResult = ProgramFeedAtomQuery;
type CalendarResult = ProgramFeedCalendarQuery;
type AtomEntry = AtomResult['programFeed']['entries'][number];

/** A feed once rendered, with its validators. */
interface RenderedFeed {
  body: string;
  etag: string;
  lastModified: string | null;
}

/** A rebuild at least this often, for gateways no snapshot reaches (same as the readers' max-age). */
export const FEED_TTL_MS = 300_000;

/** Rendered feeds until the data changes; sized in bytes (./caches). */
export class FeedCache {
  readonly entries: BoundedCache<RenderedFeed>;
  private generation = 0;
  private readonly building = new Map<string, Promise<RenderedFeed | FeedFailure>>();

  constructor(maxBytes: number) {
    this.entries = boundedCache<RenderedFeed>({
      maxBytes,
      sizeOf: (f) => stringBytes(f.body) + stringBytes(f.etag) + 64,
      ttlMs: FEED_TTL_MS,
    });
  }

  /** A sync wrote a snapshot: every kept feed is out of date, and builds under way keep theirs to themselves. */
  dataChanged(): void {
    this.generation++;
    this.entries.clear();
  }

  /** The kept feed for `parts`, or the one `build` makes (once, for every caller asking meanwhile); failures are not kept. */
  async get(
    parts: readonly string[],
    build: () => Promise<RenderedFeed | FeedFailure>,
  ): Promise<RenderedFeed | FeedFailure> {
    const generation = this.generation;
    const key = JSON.stringify([generation, japanDay(), ...parts]);
    const kept = this.entries.get(key);
    if (kept) return kept;
    let pending = this.building.get(key);
    if (!pending) {
      pending = build().finally(() => this.building.delete(key));
      this.building.set(key, pending);
      const made = await pending;
      // Built from data a newer snapshot has replaced: served to this caller, kept for nobody.
      if (!('status' in made) && generation === this.generation) this.entries.set(key, made);
      return made;
    }
    return pending;
  }
}

interface FeedFailure {
  status: number;
  message: string;
}

/** Today in Japan (YYYY-MM-DD). */
const japanDay = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

function entryContent(e: AtomEntry): string {
  const lines: string[] = [];
  if (e.provider?.name) lines.push(`実施機関: ${e.provider.name}`);
  for (const c of e.changes) lines.push(`${FIELD_LABEL[c.field] ?? c.field}: ${c.before ?? '—'} → ${c.after ?? '—'}`);
  if (e.maxAmountText) lines.push(`上限額: ${e.maxAmountText}`);
  if (e.opensOn || e.closesOn) lines.push(`申請期間: ${e.opensOn ?? ''}〜${e.closesOn ?? ''}`);
  if (e.url) lines.push(`詳細: ${e.url}`);
  return lines.join('\n');
}

export function renderAtom(search: AlertSearch, base: string, result: AtomResult): string {
  const query = alertSearchParams(search).toString();
  const suffix = query ? `?${query}` : '';
  const { updated, entries } = result.programFeed;
  const feed = new Feed({
    id: `urn:madoguchi:feed:programs${suffix}`,
    title: `窓口 — 支援施策の新着・変更・締切: ${describeAlertSearch(search)}`,
    link: `${base}/${suffix}`,
    language: 'ja',
    updated: updated ? new Date(updated) : new Date(0),
    generator: 'Madoguchi',
    copyright: '各支援機関の公開情報による',
  });
  for (const e of entries) {
    feed.addItem({
      id: `urn:madoguchi:program-alert:${e.id}`,
      title: `[${KIND_LABEL[e.kind] ?? e.kind}] ${e.title}`,
      link: `${base}/program?id=${encodeURIComponent(e.programId)}`,
      date: new Date(e.updated),
      description: entryContent(e),
      author: e.provider?.name ? [{ name: e.provider.name }] : undefined,
    });
  }
  return withSelfLink(feed.atom1(), `${base}/feeds/programs.atom${suffix}`);
}

/**
 * The feed's `self` link, written after its `alternate` one. `feed` 4 escapes a self link's `&`
 * twice (`&amp;amp;`, so readers subscribed to another URL) and the versions that fixed it are
 * ESM-only; the alternate link it writes is escaped once and is the anchor here.
 */
function withSelfLink(atom: string, self: string): string {
  const alternate = atom.indexOf('<link rel="alternate"');
  const end = atom.indexOf('/>', alternate);
  if (alternate < 0 || end < 0) throw new Error('the Atom feed has no alternate link to write its self link after');
  const href = self.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `${atom.slice(0, end + 2)}\n    <link rel="self" href="${href}"/>${atom.slice(end + 2)}`;
}

export function renderCalendar(search: AlertSearch, base: string, result: CalendarResult): string {
  const calendar = ical({
    name: `窓口 — 受付開始日・締切日: ${describeAlertSearch(search)}`,
    prodId: { company: 'Madoguchi', product: 'programme-dates', language: 'JA' },
    // No calendar time zone: with one, ical-generator writes DTSTAMP and LAST-MODIFIED as local
    // time without `Z` (RFC 5545 requires UTC there: readers were 9 h off) and DATE values in the
    // process's zone. Every event is a DATE value (a day in Japan, floating by nature), so none
    // needs a zone.
  });
  for (const d of result.programFeed.dates) {
    const [y, m, day] = d.date.split('-').map(Number);
    calendar.createEvent({
      id: `${d.id}@madoguchi`,
      start: new Date(Date.UTC(y, m - 1, day)),
      allDay: true,
      summary: `${d.kind === 'OPENS' ? '受付開始' : '締切'}: ${d.title}`,
      description: d.url ?? undefined,
      url: `${base}/program?id=${encodeURIComponent(d.programId)}`,
      stamp: new Date(d.updated),
      lastModified: new Date(d.updated),
    });
  }
  return calendar.toString();
}

function fail(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${message}\n`);
}

/** A 304 when the reader's copy is current: If-None-Match first, else If-Modified-Since. */
function notModified(req: IncomingMessage, etag: string, lastModified: string | null): boolean {
  const inm = req.headers['if-none-match'];
  if (inm) return inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
  const ims = req.headers['if-modified-since'];
  if (ims && lastModified) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(Date.parse(lastModified) / 1000) * 1000 <= since;
  }
  return false;
}

export function feedRoutes(options: {
  apollo: ApolloServer<{ viewer: Viewer; requestId: string }>;
  logger: Logger;
  /** Where links point: MADOGUCHI_PUBLIC_URL, else the gateway's own listen address (never a request's Host). */
  base: () => string;
  cache: FeedCache;
}): Route[] {
  const build = async (
    kind: 'atom' | 'ics',
    search: AlertSearch,
    base: string,
  ): Promise<RenderedFeed | FeedFailure> => {
    const requestId = randomUUID();
    const result = await options.apollo.executeOperation<AtomResult | CalendarResult>(
      {
        query: kind === 'atom' ? ATOM_OPERATION : CALENDAR_OPERATION,
        operationName: kind === 'atom' ? 'ProgramFeedAtom' : 'ProgramFeedCalendar',
        variables: { search },
      },
      { contextValue: { viewer: ANONYMOUS, requestId } },
    );
    const single = result.body.kind === 'single' ? result.body.singleResult : null;
    if (!single?.data || single.errors?.length) {
      const codes = [
        ...new Set((single?.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'))),
      ];
      options.logger.warn({ requestId, codes }, 'feed could not be built');
      return codes.includes('BAD_USER_INPUT')
        ? { status: 400, message: single?.errors?.[0]?.message ?? 'bad search' }
        : { status: 502, message: `the feed could not be built (${codes.join(', ')})` };
    }
    const body =
      kind === 'atom'
        ? renderAtom(search, base, single.data as AtomResult)
        : renderCalendar(search, base, single.data as CalendarResult);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
    return { body, etag, lastModified: single.data.programFeed.updated };
  };
  const serve =
    (kind: 'atom' | 'ics') =>
    async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.search.length > MAX_QUERY)
        return fail(res, 414, `the query string is longer than ${MAX_QUERY} characters`);
      let search: AlertSearch;
      try {
        search = alertSearchFromParams(url.searchParams);
      } catch (e) {
        if (e instanceof AlertSearchError) return fail(res, 400, e.message);
        throw e;
      }
      // Everything the body depends on besides the data and the day (FeedCache adds those).
      const base = options.base();
      const feed = await options.cache.get([kind, ANONYMOUS.role, alertSearchParams(search).toString(), base], () =>
        build(kind, search, base),
      );
      if ('status' in feed) return fail(res, feed.status, feed.message);
      const headers: Record<string, string> = {
        'content-type': kind === 'atom' ? 'application/atom+xml; charset=utf-8' : 'text/calendar; charset=utf-8',
        'cache-control': 'public, max-age=300',
        etag: feed.etag,
        'x-content-type-options': 'nosniff',
        ...(feed.lastModified ? { 'last-modified': new Date(feed.lastModified).toUTCString() } : {}),
      };
      if (notModified(req, feed.etag, feed.lastModified)) {
        res.writeHead(304, headers);
        return void res.end();
      }
      res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(feed.body)) });
      res.end(feed.body);
    };
  return [
    { method: 'GET', path: '/feeds/programs.atom', handle: serve('atom') },
    { method: 'GET', path: '/feeds/programs.ics', handle: serve('ics') },
  ];
}

/** The origin links point at: the public URL when set, else the origin of the gateway's own address. */
export function feedBase(publicUrl: string | undefined, listenUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  try {
    return new URL(listenUrl ?? '').origin;
  } catch {
    return 'http://localhost';
  }
}
