/**
 * The one-stop page and the analyst dashboard as people use them, in Debian's chromium through
 * playwright-core, with every request that would leave 127.0.0.1 blocked and counted. A firm,
 * by keyboard only, types a sentence, applies a filter, picks its municipality, opens a
 * programme, follows an alternative and goes back; an analyst pastes a token and reads charts
 * whose suppressed cells are drawn as such and whose CSV equals the GraphQL answer; anonymous,
 * staff and invalid tokens get the right refusal. axe-core finds no serious or critical
 * violation. Screenshots go to test/output/ (git-ignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { fetch } from 'undici';
import { type Browser, type Page } from 'playwright-core';
import { startDemoEmbedded } from '../support/demo';
import { type Embedded } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { WEB_MANIFEST } from '../../gateway/persistedOperations';
import { readSearch, searchVariables } from '../../web/onestop/url';
import { statsCsvRows } from '../../web/analytics/csv';
import { recordKeySql } from '../../domain/disclosure';
import { rollupRebuildSql } from '../../store/rollups';
import { ROOT } from '../support/paths';
import { describeWithBrowser, guardPage, launchBrowser, tabTo, seriousViolations } from '../support/browser';

const maybe = describeWithBrowser('web page browser tests');
const OUTPUT = join(ROOT, 'test', 'output');

const manifest = JSON.parse(readFileSync(WEB_MANIFEST, 'utf8')) as Record<string, string>;
const documentId = (operation: string) =>
  Object.keys(manifest).find(
    (id) => manifest[id].includes(`query ${operation}(`) || manifest[id].includes(`query ${operation} {`),
  )!;

maybe('web pages', () => {
  let app: Embedded;
  let browser: Browser;
  let base: string;
  const secret = new TextEncoder().encode('web-test-secret-web-test-secret-web-test');
  const blocked: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    app = await startDemoEmbedded({
      auth: { secret },
    });
    base = `http://127.0.0.1:${app.gateway.port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A page whose requests may go to this machine only, and whose errors and CSP reports are kept. */
  async function openPage(path: string, viewport = { width: 1200, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await guardPage(page, blocked, problems);
    await page.goto(`${base}${path}`);
    return page;
  }

  async function graphql(operation: string, variables: Record<string, unknown>, token?: string) {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ documentId: documentId(operation), variables }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> },
    };
  }

  const shownCount = async (page: Page) =>
    Number((await page.locator('.reading strong').innerText()).replace(/[^\d]/g, ''));
  const expectedFor = async (page: Page) =>
    (
      await graphql(
        'FirmSearch',
        searchVariables(readSearch(new URL(page.url()).searchParams)) as Record<string, unknown>,
      )
    ).body.data.search;

  test('pages and assets are public, gzipped and carry a policy that forbids loading from elsewhere', async () => {
    for (const path of [
      '/',
      '/program',
      '/analytics',
      '/web/onestop.js',
      '/web/onestop.css',
      '/web/analytics.js',
      '/web/analytics.css',
    ]) {
      const res = await fetch(`${base}${path}`, { headers: { 'accept-encoding': 'gzip' } });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-encoding')).toBe('gzip');
      await res.arrayBuffer();
    }
    const html = await (await fetch(`${base}/`)).text();
    // Nothing in the shell names another origin; scripts are files of this one.
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>/);
    // The routes are pages only: nothing else answers on them.
    expect((await fetch(`${base}/analytics`, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  test('a firm searches, filters, picks its municipality, opens a programme, follows an alternative and goes back — by keyboard alone', async () => {
    const page = await openPage('/');
    await page.locator('ol.results li').first().waitFor({ timeout: 30_000 });
    expect(await page.getAttribute('html', 'lang')).toBe('ja');

    // A sentence in the firm's own words.
    await tabTo(page, '#q');
    await page.keyboard.insertText('創業');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?q=/);
    await page.locator('.reading').waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('創業');
    const plain = await expectedFor(page);
    expect(await shownCount(page)).toBe(plain.totalCount);
    expect(await page.locator('ol.results > li').count()).toBe(plain.edges.length);
    expect(await page.locator('ol.results > li h3').first().innerText()).toBe(plain.edges[0].node.title);
    expect(await page.locator('ol.results mark').count()).toBeGreaterThan(0);

    // A support-field chip.
    await tabTo(page, 'button.chip[data-value="FINANCE"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/field=FINANCE/);
    await page.locator('button.chip[data-value="FINANCE"][aria-pressed="true"]').waitFor();
    await page.locator('.reading').waitFor();
    const finance = await expectedFor(page);
    expect(finance.totalCount).toBeLessThan(plain.totalCount);
    expect(await shownCount(page)).toBe(finance.totalCount);

    // The firm's municipality by name.
    await tabTo(page, 'input[list]');
    await page.keyboard.insertText('神戸市中央区');
    await page.keyboard.press('Enter');
    await page.waitForURL(/muni=281107/);
    await page.locator('.reading').waitFor();
    const kobe = await expectedFor(page);
    expect(await shownCount(page)).toBe(kobe.totalCount);
    expect(kobe.totalCount).toBeGreaterThan(0);
    expect(await page.locator('.reading').innerText()).toContain('神戸市中央区');
    // The nearest counter, with its distance from the firm's municipality.
    expect(await page.locator('ol.results > li .counter').first().innerText()).toMatch(/最寄りの窓口：.+km/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(OUTPUT, 'web-search.png'), fullPage: true });
    const searchUrl = page.url();

    // A programme, then who else offers it.
    await tabTo(page, 'ol.results > li:first-child h3 a');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/program\?id=/);
    const firstTitle = kobe.edges[0].node.title;
    await page.locator('h1', { hasText: firstTitle }).waitFor();
    const programId = new URL(page.url()).searchParams.get('id')!;
    const detail = (await graphql('ProgramPage', { id: programId, agencyId: programId.split(':')[0] })).body.data
      .program;
    expect(detail.alternatives.length).toBeGreaterThan(0);
    const alternatives = page.locator('section[aria-labelledby="alternatives-heading"] li h3');
    expect(await alternatives.allInnerTexts()).toEqual(detail.alternatives.map((a: { title: string }) => a.title));
    expect(await page.locator('#fresh-heading').isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(OUTPUT, 'web-program.png'), fullPage: true });

    await tabTo(page, 'section[aria-labelledby="alternatives-heading"] li:first-child h3 a');
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: detail.alternatives[0].title }).waitFor();
    expect(new URL(page.url()).searchParams.get('id')).toBe(detail.alternatives[0].id);

    // Back, twice, with the browser's own history.
    await page.goBack();
    await page.locator('h1', { hasText: firstTitle }).waitFor();
    await page.goBack();
    await page.locator('.reading').waitFor();
    expect(page.url()).toBe(searchUrl);
    expect(await page.inputValue('#q')).toBe('創業');
    expect(await page.locator('button.chip[data-value="FINANCE"]').getAttribute('aria-pressed')).toBe('true');
    expect(await shownCount(page)).toBe(kobe.totalCount);
    await page.close();
  });

  test('a firm’s own sentence is read back to it: the place, the words, what was left out', async () => {
    const sentence = '神戸市で資金繰りに困っています';
    const page = await openPage(`/?q=${encodeURIComponent(sentence)}`);
    await page.locator('.reading').waitFor({ timeout: 30_000 });
    const expected = await expectedFor(page);
    const it = expected.interpretation;
    expect(it.places.map((p: { name: string }) => p.name)).toContain('神戸市');
    const shown = await page.locator('.reading p').first().innerText();
    expect(shown).toContain(
      `${[...new Set([...it.places.map((p: { name: string }) => p.name), ...it.terms, ...it.needs])].join('・')} として検索しました`,
    );
    expect(await shownCount(page)).toBe(expected.totalCount);
    if (it.dropped.length) expect(await page.locator('.reading').innerText()).toContain(it.dropped[0]);
    await page.close();
  });

  test('a search relaxed to answer says so on the page, step by step; each result links to its own page', async () => {
    // A recognised place and a word no programme has: the place's own programmes, said so.
    const sentence = '豊島区でぬゑゐ存在しない言葉の相談をしたい';
    const page = await openPage(`/?q=${encodeURIComponent(sentence)}`);
    await page.locator('.reading').waitFor({ timeout: 30_000 });
    const expected = await expectedFor(page);
    const steps = expected.interpretation.relaxations as Array<{ step: string; words: string[] }>;
    expect(expected.totalCount).toBeGreaterThan(0);
    expect(steps.length).toBeGreaterThan(0);
    const notices = page.locator('.reading .relaxation');
    expect(await notices.count()).toBe(steps.length);
    for (const [i, r] of steps.entries()) {
      expect(await notices.nth(i).getAttribute('data-step')).toBe(r.step);
      const text = await notices.nth(i).innerText();
      for (const w of r.words) expect(text).toContain(w);
    }
    expect(await notices.last().innerText()).toContain('豊島区');
    expect(await shownCount(page)).toBe(expected.totalCount);
    // Every result with a web page of its own links to it, named after who offers it.
    const edges = expected.edges as Array<{ node: { url: string | null; providerName: string | null } }>;
    const linked = edges.filter((e) => e.node.url && /^https?:\/\//.test(e.node.url));
    expect(await page.locator('ol.results .source-link a').count()).toBe(linked.length);
    if (linked.length)
      expect(await page.locator('ol.results .source-link a').first().getAttribute('href')).toBe(linked[0].node.url);
    await page.close();
  });

  test('a shared link opens the same search; empty and error states say what to do; the layout fits a phone', async () => {
    const phone = await openPage('/?q=%E8%B3%87%E9%87%91%E7%B9%B0%E3%82%8A&status=OPEN', { width: 390, height: 844 });
    await phone.locator('.reading').waitFor({ timeout: 30_000 });
    expect(await shownCount(phone)).toBe((await expectedFor(phone)).totalCount);
    expect(await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await phone.screenshot({ path: join(OUTPUT, 'web-mobile.png'), fullPage: true });

    await phone.fill('#q', 'ぬゑゐ存在しない言葉xyz');
    await phone.press('#q', 'Enter');
    await phone.locator('.notice', { hasText: '見つかりませんでした' }).waitFor();
    expect(await phone.locator('ol.results').count()).toBe(0);

    // The gateway unreachable: an alert and a way to try again.
    await phone.route('**/graphql', (route) => route.abort());
    await phone.fill('#q', '創業');
    await phone.press('#q', 'Enter');
    await phone.locator('[role=alert]', { hasText: '検索できませんでした' }).waitFor();
    await phone.unroute('**/graphql');
    await phone.locator('[role=alert] button').click();
    await phone.locator('.reading').waitFor();
    expect(await shownCount(phone)).toBeGreaterThan(0);
    await phone.close();
  });

  test('an analyst reads charts with suppressed cells drawn as such, and each CSV equals the GraphQL answer', async () => {
    const analyst = await signDevelopmentToken({ role: 'analyst' }, secret);
    const page = await openPage('/analytics');
    await page.locator('#token').waitFor({ timeout: 30_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await tabTo(page, '#token');
    await page.keyboard.insertText(analyst);
    await tabTo(page, 'form button[type=submit]');
    await page.keyboard.press('Enter');
    await page.locator('[data-panel="by-channel"] svg.chart').waitFor({ timeout: 30_000 });

    // Analysts count whole months. A month of its own holding three consultations (copies of a
    // source's first three, with their rollups rebuilt and the source's snapshot marked changed as a
    // sync would: the columnar mirror reloads a source when its snapshot changes), so that its cells
    // are small and withheld.
    const [{ sourceId }] = await app.store.query<{ sourceId: string }>(
      `select source_id as "sourceId" from consultations order by id limit 1`,
    );
    await app.store.query(
      `insert into consultations
       select (jsonb_populate_record(null::consultations, to_jsonb(c) || jsonb_build_object('id', c.id || '-sparse', 'received_at', '2024-03-15T01:00:00+00:00', 'record_key', ${recordKeySql('(select secret from disclosure_keys)', "c.id || '-sparse'")}))).*
       from (select * from consultations where source_id = $1 order by id limit 3) c`,
      [sourceId],
    );
    await app.store.query('delete from consultation_rollups where source_id = $1', [sourceId]);
    for (const sql of rollupRebuildSql({ sourceId: true })) await app.store.query(sql, [sourceId]);
    await app.store.query(
      `update sources set last_changed_at = now(), accepted_count = accepted_count + 3 where id = $1`,
      [sourceId],
    );
    const filter = { from: '2024-03-01', to: '2024-03-31' };
    await page.fill('#from', '2024-03');
    await page.fill('#to', '2024-03');
    await page.getByRole('button', { name: '集計する' }).click();
    await page.locator('[data-panel="topic-by-month"] [data-suppressed="true"]').first().waitFor({ timeout: 30_000 });
    const answer = await graphql('DashboardStats', { filter }, analyst);
    expect(answer.body.errors).toBeUndefined();
    const panels = {
      'by-month': answer.body.data.byMonth,
      'by-agency': answer.body.data.byAgency,
      'topic-by-month': answer.body.data.topicByMonth,
      'by-channel': answer.body.data.byChannel,
    };
    let suppressedSeen = 0;
    for (const [panel, table] of Object.entries(panels)) {
      const cells = table.cells as Array<{
        count: number | null;
        suppressed: boolean;
        keys: Array<{ label: string | null }>;
      }>;
      const drawn = page.locator(`[data-panel="${panel}"] svg.chart [data-suppressed]`);
      expect({ panel, drawn: await drawn.count() }).toEqual({ panel, drawn: cells.length });
      const suppressed = cells.filter((c) => c.suppressed).length;
      expect({
        panel,
        suppressed: await page.locator(`[data-panel="${panel}"] svg.chart [data-suppressed="true"]`).count(),
      }).toEqual({ panel, suppressed });
      suppressedSeen += suppressed;
      // Names, not codes, label the cells.
      for (const c of cells) for (const k of c.keys) expect(k.label).toBeTruthy();
      // The CSV the page offers is the answer, cell for cell.
      const download = page.waitForEvent('download');
      await page.locator(`[data-panel="${panel}"] .panel-head button`).click();
      const file = await (await download).path();
      const text = readFileSync(file!, 'utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      const rows = Papa.parse<string[]>(text.slice(1).trim(), { skipEmptyLines: true }).data;
      expect({ panel, rows }).toEqual({ panel, rows: statsCsvRows(table) });
      expect(rows.length).toBe(cells.length + 1);
    }
    expect(suppressedSeen).toBeGreaterThan(0);
    // A suppressed cell is never drawn as a zero-height bar.
    const hatched = page
      .locator(
        '[data-panel="by-agency"] [data-suppressed="true"] rect, [data-panel="topic-by-month"] [data-suppressed="true"] rect',
      )
      .first();
    expect(await hatched.getAttribute('fill')).toMatch(/^url\(#/);
    expect(Number(await hatched.getAttribute('height'))).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(OUTPUT, 'analytics.png'), fullPage: true });

    // The token lives in this tab's session only, never in the URL; sign-out removes it.
    expect(page.url()).not.toContain(analyst);
    expect(await page.evaluate('Object.values(window.sessionStorage)')).toContain(analyst);
    expect(await page.evaluate('JSON.stringify(window.localStorage)')).not.toContain(analyst);
    await page.reload();
    await page.locator('[data-panel="by-month"] svg.chart').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.locator('#token').waitFor();
    expect(await page.evaluate('window.sessionStorage.length')).toBe(0);
    await page.close();
  });

  test('anonymous callers, staff and invalid tokens get the right refusal', async () => {
    const anonymous = await graphql('DashboardStats', {});
    expect([anonymous.status, anonymous.body.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);

    const page = await openPage('/analytics');
    await page.locator('#token').waitFor({ timeout: 30_000 });
    let statsRequests = 0;
    page.on('request', (r) => r.url().endsWith('/graphql') && (statsRequests += 1));
    // Without a token the page asks for one and sends nothing.
    expect(await page.locator('[data-panel]').count()).toBe(0);

    const staff = await signDevelopmentToken({ role: 'staff', agency: 'hyogo-cgc' }, secret);
    await page.fill('#token', staff);
    await page.getByRole('button', { name: 'サインイン' }).click();
    const forbidden = page.locator('[role=alert][data-code="FORBIDDEN"]');
    await forbidden.waitFor({ timeout: 30_000 });
    expect(await forbidden.innerText()).toContain('支援機関職員');
    expect(statsRequests).toBe(1);
    await page.screenshot({ path: join(OUTPUT, 'analytics-staff.png'), fullPage: true });
    await forbidden.getByRole('button', { name: 'サインアウト' }).click();

    await page.fill('#token', 'not-a-token');
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.locator('[role=alert][data-code="UNAUTHENTICATED"]').waitFor({ timeout: 30_000 });
    await page.close();
  });

  afterAll(() => {
    // Checked last: every page of every test loaded nothing from elsewhere and broke no rule.
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });
});
