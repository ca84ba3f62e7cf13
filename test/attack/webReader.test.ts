/**
 * Attacks on the web reader (agency:init's proposal and the website adapter a sync runs) with a
 * hostile page. (1) Elements nested 20,000 deep (300 KB of <div>) held agency:init for more than
 * two minutes: the time to find record blocks grows with the page's size times its depth. Pages
 * nested deeper than 256 levels are now refused at once (agencies' pages nest 10–25 deep).
 * (2) A page that never ends, or a small gzip answer that decompresses to gigabytes, was read
 * whole into memory until the 30 s timeout: answers are now read as they come and refused past a
 * bound (256 MiB for any source, 48 MiB for a web page), counted decompressed.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseAgencyConfig, type WebsiteSourceConfig } from '../../adapters/core/config';
import { createAdapterContext, loadLocation } from '../../adapters/core/adapter';
import { createWebsiteAdapter } from '../../adapters/website';
import { MAX_NESTING } from '../../adapters/website/extract';
import { ROOT } from '../support/paths';

type Handler = Parameters<typeof createServer>[1];

async function serve(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

/** `npm run agency:init -- <url> --entity program` as a child process: its exit code, stderr and time. */
function agencyInit(url: string, timeoutMs: number): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      // What `npm run agency:init -- <url> --entity program` runs.
      [join(ROOT, 'bin/madoguchi.js'), 'agency', 'init', url, '--entity', 'program'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr, ms: Date.now() - started });
    });
  });
}

const nested = (depth: number) =>
  `<!doctype html><html><body>${'<div class="box">'.repeat(depth)}<ul>${'<li class="item"><a href="/p/1">創業補助金</a></li>'.repeat(5)}</ul>${'</div>'.repeat(depth)}</body></html>`;

test('agency:init on a page nested 20,000 deep stops at once, saying why', async () => {
  const { url, server } = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(nested(20_000));
  });
  const run = await agencyInit(url, 60_000);
  await close(server);
  expect(run.stderr).toMatch(new RegExp(`nests elements deeper than ${MAX_NESTING} levels`));
  expect(run.code).toBe(1);
});

test('agency:init on a page that never ends stops reading it at the bound', async () => {
  let sent = 0;
  const { url, server } = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.write('<!doctype html><html><body><ul>');
    const chunk = Buffer.from('<li class="item"><a href="/p/1">創業補助金</a></li>'.repeat(2_000));
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) sent += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  const run = await agencyInit(url, 60_000);
  await close(server);
  expect(run.stderr).toMatch(/is larger than 256 MiB, the most a source may be/);
  expect(run.code).toBe(1);
  expect(sent).toBeLessThan(320 * 1024 * 1024);
});

describe('a website source that turns hostile, as a sync reads it', () => {
  const source = (url: string) =>
    parseAgencyConfig(
      `id: hostile
name: 敵対的な機関
sources:
  - id: programs
    kind: website
    entity: program
    location: ${url}
    records: li.item
    fields: { title: a, link: { selector: a, attr: href } }
    mapping: { localId: link, title: title, url: link, kind: { value: 補助金 } }`,
      join(ROOT, 'agencies', 'hostile.yaml'),
      {},
    ).sources[0] as WebsiteSourceConfig;
  const read = (url: string) =>
    createWebsiteAdapter(source(url))(createAdapterContext()).read({ etag: null, lastModified: null });

  test('the same list as a plain page is read (the bound leaves real pages alone)', async () => {
    const { url, server } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(nested(30));
    });
    const out = await read(url);
    await close(server);
    expect(out.status === 'ok' && out.records.length).toBe(5);
  });

  test('nested too deep: refused as MALFORMED, so the source keeps its last good data', async () => {
    const { url, server } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(nested(MAX_NESTING + 1));
    });
    await expect(read(url)).rejects.toMatchObject({ name: 'AdapterError', code: 'MALFORMED' });
    await close(server);
  });

  test('a gzip answer of 1 MB that decompresses to 1 GB is refused at 48 MiB', async () => {
    // 1 GiB of spaces compresses to about 1 MB: built once, in pieces.
    const piece = gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '), { level: 9 });
    const { url, server } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' });
      // Concatenated gzip members are one valid gzip stream.
      for (let i = 0; i < 16; i++) res.write(piece);
      res.end();
    });
    const started = Date.now();
    await expect(read(url)).rejects.toThrow(/is larger than 48 MiB, the most a source may be/);
    expect(Date.now() - started).toBeLessThan(20_000);
    await close(server);
  });
});

describe('redirects a source’s server sends', () => {
  const ctx = () => createAdapterContext();
  const load = (url: string, headers?: Record<string, string>) =>
    loadLocation(ctx(), url, { timeoutMs: 5_000, headers });
  const redirector = (to: string) =>
    serve((_req, res) => {
      res.writeHead(302, { location: to });
      res.end();
    });

  test('to another host on this machine: not followed, the target never reached', async () => {
    const reached: string[] = [];
    const target = await serve((req, res) => {
      reached.push(String(req.url));
      res.end('<html><body>secret</body></html>');
    });
    const port = (target.server.address() as { port: number }).port;
    const from = await redirector(`http://localhost:${port}/admin`);
    await expect(load(from.url)).rejects.toThrow(
      new RegExp(`redirects to localhost:${port}, which is not allowed: .* is a loopback address`),
    );
    expect(reached).toEqual([]);
    await close(from.server);
    await close(target.server);
  });

  test.each([
    ['http://169.254.169.254/latest/meta-data/', /linkLocal/],
    ['http://10.0.0.8/', /private/],
    ['http://[::ffff:192.168.0.1]/', /private/],
    ['file:///etc/passwd', /http and https only/],
  ])('to %s: refused before any connection', async (to, why) => {
    const from = await redirector(to);
    await expect(load(from.url)).rejects.toThrow(why);
    await close(from.server);
  });

  test('on the same host: followed, and the agency file’s headers stay with the first origin', async () => {
    const seen: Array<string | undefined> = [];
    const target = await serve((req, res) => {
      seen.push(req.headers['x-api-key'] as string | undefined);
      res.end('{"ok":true}');
    });
    const from = await serve((req, res) => {
      seen.push(req.headers['x-api-key'] as string | undefined);
      res.writeHead(301, { location: `${target.url}moved` });
      res.end();
    });
    const loaded = await load(from.url, { 'x-api-key': 'agency-secret' });
    expect(loaded.status === 'ok' && loaded.body.toString()).toBe('{"ok":true}');
    expect(seen).toEqual(['agency-secret', undefined]);
    await close(from.server);
    await close(target.server);
  });

  test('a loop of redirects ends after five', async () => {
    const loop = await serve((req, res) => {
      res.writeHead(307, { location: `/${Number(String(req.url).slice(1) || 0) + 1}` });
      res.end();
    });
    await expect(load(loop.url)).rejects.toThrow(/redirects more than 5 times/);
    await close(loop.server);
  });
});
