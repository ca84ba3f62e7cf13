/**
 * Local stand-ins for the demo agencies' own systems, on one loopback HTTP server, so the
 * embedded default and the tests read every kind of source the way they would in production:
 *
 *   /files/<agency>/<file>                     the published CSV files (ETag, Last-Modified, 304)
 *   /web/hyogo-iac/programs/[?page=n]          a web site: card list, pagination, detail pages
 *   /web/kobe-ipf/programs/[?page=n]           another make: table list, detail pages with <dt> labels
 *   /web/hyogo-shokokai/programs/              an old single page in Shift_JIS (<meta http-equiv> only)
 *   /api/v1/agencies/<agency>/programs         a prefecture-style REST API (JSON, page/per_page, Link)
 *   /jgrants/exp/v1/public/subsidies           the national jGrants public API's shape
 *
 * Pages and JSON are rendered at request time from demo/files/, so the data lives in
 * one place. `setFault` makes chosen paths fail the way real systems do (5xx, no answer, a cut
 * transfer, a redesign) for the fault tests.
 * Alone: `npx tsx demo/servers.ts [port]` (default 4010, or MADOGUCHI_DEMO_PORT).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, resolve, sep } from 'node:path';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { decodeText } from '../adapters/spreadsheet/csv';
import {
  renderApiPage,
  renderCardDetail,
  renderCardList,
  renderLegacyTable,
  renderTableDetail,
  renderTableList,
  type NetRow,
} from './render';

export const DEMO_PORT = 4010;
const FILES = resolve(__dirname, 'files');

/**
 * - `http-500`: the server answers 500.
 * - `timeout`: the request is accepted and never answered.
 * - `truncated`: the full length is announced, half the body sent, then the connection dropped.
 * - `markup-changed`: a redesign: pages, JSON and CSV headers no longer match the configs.
 */
export type DemoFault = 'http-500' | 'timeout' | 'truncated' | 'markup-changed';

export interface DemoServerOptions {
  /** 0 picks a free port; default 4010, the port the agency files fall back to. */
  port?: number;
  host?: string;
  /** The clock jGrants' `acceptance=1` compares with. */
  now?: () => Date;
}

export interface DemoAgencyServers {
  /** e.g. http://127.0.0.1:4010 — what MADOGUCHI_DEMO_URL must be set to for the agency files. */
  baseUrl: string;
  /**
   * Makes requests under `pathPrefix` (every path by default) fail — all of them, or only the
   * next `times` — until healed with `null`.
   */
  setFault(fault: DemoFault | null, pathPrefix?: string, options?: { times?: number }): void;
  /** Every request answered so far, oldest first. */
  requests: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

interface Site {
  name: string;
  kind: 'cards' | 'table' | 'legacy';
  perPage: number;
}

const SITES: Record<string, Site> = {
  'hyogo-iac': { name: '公益財団法人ひょうご産業活性化センター', kind: 'cards', perPage: 4 },
  'kobe-ipf': { name: '公益財団法人神戸市産業振興財団', kind: 'table', perPage: 5 },
  'hyogo-shokokai': { name: '兵庫県商工会連合会', kind: 'legacy', perPage: Infinity },
};
const API_AGENCIES = new Set(['akashi-ipf', 'amagasaki-ipo']);
const API_DEFAULT_PER_PAGE = 3;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Rendered {
  body: Buffer;
  contentType: string;
  /** The source file's modification time, for Last-Modified. */
  modified: Date;
  headers?: Record<string, string>;
}

async function sourceFile(relative: string): Promise<{ bytes: Buffer; modified: Date }> {
  const path = normalize(join(FILES, relative));
  if (!path.startsWith(FILES + sep)) throw new HttpError(404, 'not found');
  try {
    const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
    if (!info.isFile()) throw new Error('not a file');
    return { bytes, modified: info.mtime };
  } catch {
    throw new HttpError(404, 'not found');
  }
}

// A sync reads each site's list and every detail page, each rendered from the agency's programme
// file: it is parsed once per content, not once per page (an edited file is parsed again).
const parsedPrograms = new Map<string, { bytes: Buffer; rows: NetRow[] }>();

async function programRows(agency: string): Promise<{ rows: NetRow[]; modified: Date }> {
  const { bytes, modified } = await sourceFile(`${agency}/programs.csv`);
  const cached = parsedPrograms.get(agency);
  if (cached && cached.bytes.equals(bytes)) return { rows: cached.rows, modified };
  const rows = parse(decodeText(bytes, 'auto'), { columns: true, bom: true, skip_empty_lines: true }) as NetRow[];
  parsedPrograms.set(agency, { bytes, rows });
  return { rows, modified };
}

const html = (text: string, modified: Date, contentType = 'text/html; charset=utf-8'): Rendered => ({
  body: Buffer.from(text, 'utf8'),
  contentType,
  modified,
});
const json = (value: unknown, modified: Date, headers?: Record<string, string>): Rendered => ({
  body: Buffer.from(JSON.stringify(value, null, 1), 'utf8'),
  contentType: 'application/json; charset=utf-8',
  modified,
  headers,
});

function pageNumber(url: URL, pages: number): number {
  const raw = url.searchParams.get('page');
  if (raw === null) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > pages) throw new HttpError(404, `no page ${raw}`);
  return n;
}

async function renderSite(agency: string, rest: string, url: URL, changed: boolean): Promise<Rendered> {
  const site = SITES[agency];
  const { rows, modified } = await programRows(agency);
  if (rest === '') {
    if (site.kind === 'legacy') {
      // Old sites send no charset in the header: the page's <meta http-equiv> is all there is.
      return {
        body: iconv.encode(renderLegacyTable(site.name, rows, changed), 'cp932'),
        contentType: 'text/html',
        modified,
      };
    }
    const pages = Math.ceil(rows.length / site.perPage);
    const page = pageNumber(url, pages);
    const list = { rows: rows.slice((page - 1) * site.perPage, page * site.perPage), page, pages };
    return html(
      site.kind === 'cards' ? renderCardList(site.name, list, changed) : renderTableList(site.name, list, changed),
      modified,
    );
  }
  const m =
    site.kind === 'cards'
      ? /^([^/]+)\.html$/.exec(rest)
      : site.kind === 'table'
        ? /^detail\/([^/]+)\.html$/.exec(rest)
        : null;
  const row = m ? rows.find((r) => r.施策ID === decodeURIComponent(m[1])) : undefined;
  if (!row) throw new HttpError(404, 'no such programme');
  return html(
    site.kind === 'cards' ? renderCardDetail(site.name, row, changed) : renderTableDetail(site.name, row, changed),
    modified,
  );
}

async function renderPrefectureApi(agency: string, url: URL, changed: boolean): Promise<Rendered> {
  const { rows, modified } = await programRows(agency);
  const perPage = Number(url.searchParams.get('per_page') ?? API_DEFAULT_PER_PAGE);
  const page = Number(url.searchParams.get('page') ?? 1);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100 || !Number.isInteger(page) || page < 1) {
    throw new HttpError(400, 'page must be ≥ 1 and per_page between 1 and 100');
  }
  const { body, pages } = renderApiPage(rows, page, perPage, changed);
  const link = (p: number, rel: string) => {
    const u = new URL(url);
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return `<${u.pathname}${u.search}>; rel="${rel}"`;
  };
  const links = [link(1, 'first'), link(pages, 'last')];
  if (page < pages) links.push(link(page + 1, 'next'));
  if (page > 1) links.push(link(page - 1, 'prev'));
  return json(body, modified, { link: links.join(', ') });
}

const JGRANTS_SORTS = new Set(['created_date', 'acceptance_start_datetime', 'acceptance_end_datetime']);

/** jGrants' list endpoint: keyword, sort, order and acceptance are required, as on the real API. */
async function renderJgrants(url: URL, changed: boolean, now: () => Date): Promise<Rendered> {
  const keyword = url.searchParams.get('keyword') ?? '';
  const sort = url.searchParams.get('sort') ?? '';
  const order = url.searchParams.get('order') ?? '';
  const acceptance = url.searchParams.get('acceptance') ?? '';
  if (
    keyword.length < 2 ||
    keyword.length > 255 ||
    !JGRANTS_SORTS.has(sort) ||
    !['ASC', 'DESC'].includes(order) ||
    !['0', '1'].includes(acceptance)
  ) {
    throw new HttpError(400, 'keyword (2–255 characters), sort, order (ASC|DESC) and acceptance (0|1) are required');
  }
  const { bytes, modified } = await sourceFile('jgrants/subsidies.json');
  const all = (JSON.parse(bytes.toString('utf8')) as { result: Array<Record<string, unknown>> }).result;
  const at = now().getTime();
  const time = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : NaN);
  const result = all
    .filter((s) => ['title', 'detail', 'use_purpose', 'industry'].some((k) => String(s[k] ?? '').includes(keyword)))
    .filter(
      (s) => acceptance === '0' || (time(s.acceptance_start_datetime) <= at && at <= time(s.acceptance_end_datetime)),
    )
    .sort((a, b) => (time(a[sort]) - time(b[sort])) * (order === 'ASC' ? 1 : -1));
  const metadata = { type: 'application/json', resultset: { count: result.length } };
  return json(changed ? { metadata, results: result } : { metadata, result }, modified);
}

async function serveFile(rest: string, changed: boolean): Promise<Rendered> {
  const { bytes, modified } = await sourceFile(rest);
  if (!changed || !rest.endsWith('.csv'))
    return { body: bytes, contentType: rest.endsWith('.csv') ? 'text/csv' : 'application/octet-stream', modified };
  // A redesigned export: the header row's column names change, the data stays.
  const text = decodeText(bytes, 'auto');
  const eol = text.indexOf('\n');
  const renamed =
    text.slice(0, eol).replace(/[^,\r]+/g, (name) => `${name.replace(/^"|"$/g, '')}（新）`) + text.slice(eol);
  return { body: Buffer.from(renamed, 'utf8'), contentType: 'text/csv; charset=utf-8', modified };
}

async function route(url: URL, changed: boolean, now: () => Date): Promise<Rendered> {
  const path = url.pathname;
  let m: RegExpExecArray | null;
  if ((m = /^\/files\/(.+)$/.exec(path))) return serveFile(decodeURIComponent(m[1]), changed);
  if ((m = /^\/web\/([a-z0-9-]+)\/programs\/(.*)$/.exec(path)) && SITES[m[1]])
    return renderSite(m[1], m[2], url, changed);
  if ((m = /^\/api\/v1\/agencies\/([a-z0-9-]+)\/programs$/.exec(path)) && API_AGENCIES.has(m[1]))
    return renderPrefectureApi(m[1], url, changed);
  if (path === '/jgrants/exp/v1/public/subsidies') return renderJgrants(url, changed, now);
  if (path === '/' || path === '') {
    return html(
      `<!DOCTYPE html><meta charset="utf-8"><title>Madoguchi demo agencies</title><ul>${Object.keys(SITES)
        .map((a) => `<li><a href="/web/${a}/programs/">${a}</a></li>`)
        .join(
          '',
        )}${[...API_AGENCIES].map((a) => `<li><a href="/api/v1/agencies/${a}/programs">${a} API</a></li>`).join('')}<li><a href="/jgrants/exp/v1/public/subsidies?keyword=事業&sort=acceptance_end_datetime&order=ASC&acceptance=0">jGrants</a></li></ul>`,
      new Date(0),
    );
  }
  throw new HttpError(404, 'not found');
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/** Conditional GET: If-None-Match first, else If-Modified-Since against the source file's time. */
function notModified(req: IncomingMessage, etag: string, modified: Date): boolean {
  const inm = req.headers['if-none-match'];
  if (inm) return inm.split(',').some((t) => t.trim() === etag || t.trim() === '*');
  const ims = req.headers['if-modified-since'];
  const since = ims ? Date.parse(ims) : NaN;
  return Number.isFinite(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
}

export async function startDemoAgencyServers(options: DemoServerOptions = {}): Promise<DemoAgencyServers> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? (() => new Date());
  const faults: Array<{ prefix: string; fault: DemoFault; left: number }> = [];
  const requests: DemoAgencyServers['requests'] = [];
  const hanging = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const done = (status: number): void => {
      requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, status });
    };
    const active = faults.find((f) => url.pathname.startsWith(f.prefix));
    const fault = active?.fault;
    if (active && --active.left <= 0) faults.splice(faults.indexOf(active), 1);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return done(405);
    }
    if (fault === 'http-500') {
      res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>500 Internal Server Error</h1>');
      return done(500);
    }
    if (fault === 'timeout') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return done(0);
    }
    let rendered: Rendered;
    try {
      rendered = await route(url, fault === 'markup-changed', now);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      const isApi = url.pathname.startsWith('/api/') || url.pathname.startsWith('/jgrants/');
      const message = e instanceof HttpError ? e.message : 'internal error';
      res.writeHead(status, { 'content-type': isApi ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8' });
      res.end(isApi ? JSON.stringify({ error: { status, message } }) : `<h1>${status}</h1><p>${message}</p>`);
      return done(status);
    }
    const etag = etagOf(rendered.body);
    const headers: Record<string, string> = {
      'content-type': rendered.contentType,
      etag,
      'last-modified': rendered.modified.toUTCString(),
      'cache-control': 'no-cache',
      ...rendered.headers,
    };
    if (notModified(req, etag, rendered.modified)) {
      res.writeHead(304, { etag, 'last-modified': headers['last-modified'] }).end();
      return done(304);
    }
    res.writeHead(200, { ...headers, 'content-length': String(rendered.body.length) });
    if (req.method === 'HEAD') {
      res.end();
    } else if (fault === 'truncated') {
      // The length promised, half the bytes delivered, then the connection lost.
      res.write(rendered.body.subarray(0, Math.floor(rendered.body.length / 2)), () => res.destroy());
    } else {
      res.end(rendered.body);
    }
    done(200);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
      else res.destroy();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEMO_PORT, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    baseUrl,
    requests,
    setFault(fault, pathPrefix = '/', { times = Infinity } = {}) {
      const i = faults.findIndex((f) => f.prefix === pathPrefix);
      if (i >= 0) faults.splice(i, 1);
      // Longer prefixes first, so a fault on one agency overrides one on every path.
      if (fault) faults.push({ prefix: pathPrefix, fault, left: times });
      faults.sort((a, b) => b.prefix.length - a.prefix.length);
    },
    close() {
      for (const res of hanging) res.destroy();
      return new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}
