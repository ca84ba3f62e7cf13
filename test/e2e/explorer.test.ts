import { type Browser, type Page } from 'playwright-core';
import type { Embedded } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { startDemo } from '../support/demo';
import { blockOtherHosts, describeWithBrowser, launchBrowser } from '../support/browser';

const maybe = describeWithBrowser('explorer browser tests');

maybe('explorer', () => {
  let app: Embedded;
  let browser: Browser;
  const secret = new TextEncoder().encode('explorer-test-secret-explorer-test-secret');

  beforeAll(async () => {
    app = await startDemo({
      auth: { secret },
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('loads offline, runs the directory example and shows the result', async () => {
    const page = await browser.newPage();
    const blocked: string[] = [];
    await blockOtherHosts(page, blocked);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${app.gateway.port}/explorer`);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    await page.locator('.graphiql-tab').first().waitFor();
    expect(await page.locator('.graphiql-tab').count()).toBeGreaterThanOrEqual(3);
    await page.locator('.graphiql-execute-button').click();
    // The first organization by id; the editor renders only the lines in view.
    const response = page.locator('.graphiql-response', { hasText: '明石市産業振興財団' });
    await response.waitFor({ timeout: 30_000 });
    expect(await response.innerText()).toMatch(/"consultationCount": \d+/);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
  });

  async function openExplorer(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${app.gateway.port}/explorer`);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    return page;
  }

  /** Picks a tab, types the headers as a person would, runs it and returns what the page got. */
  async function runTab(
    page: Page,
    tab: string,
    token: string | null,
  ): Promise<{ status: number; body: Record<string, any> }> {
    await page.locator('.graphiql-tab-button', { hasText: tab }).click();
    await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
    const headers = page.locator(
      'section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror',
    );
    await headers.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(token ? JSON.stringify({ Authorization: `Bearer ${token}` }) : '{}');
    const answered = page.waitForResponse(
      (r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes(tab),
    );
    await page.locator('.graphiql-execute-button').click();
    const response = await answered;
    return { status: response.status(), body: await response.json() };
  }

  test('a staff, a coordinator and an analyst token each see exactly their share', async () => {
    const { store } = app;
    const agency = 'hyogo-cgc';
    const [{ own }] = await store.query<{ own: number }>(
      `select count(*)::int as own from consultations c where c.organization_id = $1 or c.referred_to_id = $1
         or exists (select 1 from referrals r where r.consultation_id = c.id and r.to_organization_id = $1)`,
      [agency],
    );
    const [{ all }] = await store.query<{ all: number }>('select count(*)::int as all from consultations');
    expect(own).toBeGreaterThan(0);
    expect(own).toBeLessThan(all);
    const page = await openExplorer();

    const staff = await runTab(page, 'MyConsultations', await signDevelopmentToken({ role: 'staff', agency }, secret));
    expect(staff.body.errors).toBeUndefined();
    const connection = staff.body.data.consultations;
    expect(connection.totalCount).toBe(own);
    expect(connection.edges.length).toBe(Math.min(10, own));
    for (const { node } of connection.edges) {
      const handedTo = node.referrals.map((r: { to: { id: string } }) => r.to.id);
      expect([node.organization.id, node.referredTo?.id, ...handedTo]).toContain(agency);
    }
    await page.locator('.graphiql-response', { hasText: `"totalCount": ${own}` }).waitFor();

    const coordinator = await runTab(
      page,
      'MyConsultations',
      await signDevelopmentToken({ role: 'coordinator' }, secret),
    );
    expect(coordinator.body.data.consultations.totalCount).toBe(all);
    await page.locator('.graphiql-response', { hasText: `"totalCount": ${all}` }).waitFor();

    const analyst = await signDevelopmentToken({ role: 'analyst' }, secret);
    const refused = await runTab(page, 'MyConsultations', analyst);
    expect(refused.body.data?.consultations ?? null).toBeNull();
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    await page.locator('.graphiql-response', { hasText: 'FORBIDDEN' }).waitFor();
    const stats = await runTab(page, 'AnalystStatistics', analyst);
    expect(stats.body.errors).toBeUndefined();
    // Perturbed by the cell-key method: within 2 of the exact count.
    expect(Math.abs(stats.body.data.consultationStats.total - all)).toBeLessThanOrEqual(2);
    expect(stats.body.data.consultationStats.cells.length).toBeGreaterThan(10);
    await page.locator('.graphiql-response', { hasText: '"suppressed"' }).waitFor();

    const anonymous = await runTab(page, 'MyConsultations', null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await page.locator('.graphiql-response', { hasText: 'UNAUTHENTICATED' }).waitFor();
    await page.close();
  });

  test('a share link opens its operation; the address follows the tab, never its headers; headers last the session when asked', async () => {
    const query = 'query SharedLink($id: ID!) { organization(id: $id) { name } }';
    const variables = '{"id":"akashi-ipf"}';
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${app.gateway.port}/explorer?${new URLSearchParams({ query, variables })}`);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    await page.locator('.graphiql-tab-active', { hasText: 'SharedLink' }).waitFor();
    const answered = page.waitForResponse(
      (r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('SharedLink'),
    );
    await page.locator('.graphiql-execute-button').click();
    expect(await (await answered).json()).toEqual({
      data: { organization: { name: '一般財団法人明石市産業振興財団' } },
    });

    // Another tab: the address bar now shares that one, with its variables and without headers.
    await page.locator('.graphiql-tab-button', { hasText: 'TopicShares' }).click();
    await page.waitForURL((u) => (u.searchParams.get('query') ?? '').includes('query TopicShares'));
    expect(JSON.parse(new URL(page.url()).searchParams.get('variables')!)).toEqual({
      from: '2025-04-01',
      to: '2026-03-31',
    });
    expect(page.url()).not.toMatch(/Authorization|Bearer|headers/i);

    // Headers are kept for this browser session only when the user turns that on.
    const token = await signDevelopmentToken({ role: 'analyst' }, secret);
    await page.locator('button[aria-label="Open settings dialog"]').click();
    await page.locator('#enable-persist-headers').click();
    await page.keyboard.press('Escape');
    await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
    const headers = page.locator(
      'section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror',
    );
    await headers.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));
    // GraphiQL saves its tabs a moment after an edit.
    await page.waitForFunction(
      (t) =>
        String(
          (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem(
            'graphiql:tabState',
          ),
        ).includes(t),
      token,
    );
    await page.reload();
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    await page.locator('.graphiql-tab-button', { hasText: 'TopicShares' }).click();
    await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
    await page
      .locator('section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror', {
        hasText: token.slice(0, 20),
      })
      .waitFor();
    // After the reload the session's saved tabs still hold it (GraphiQL rewrites them as it loads).
    await page.waitForFunction(
      (t) => JSON.stringify((globalThis as unknown as { sessionStorage: object }).sessionStorage).includes(t),
      token,
      { timeout: 10_000 },
    );
    expect(await page.evaluate('JSON.stringify(window.localStorage)')).not.toContain(token);
    // Another tab is another session: the token is not there.
    const other = await browser.newPage();
    await other.goto(`http://127.0.0.1:${app.gateway.port}/explorer`);
    await other.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    expect(
      await other.evaluate('JSON.stringify(window.sessionStorage) + JSON.stringify(window.localStorage)'),
    ).not.toContain(token);
    await other.close();
    await page.close();
  });

  test('the OneStopSearch tab shows how its sentence was read: the place and the need', async () => {
    const page = await openExplorer();
    const answer = await runTab(page, 'OneStopSearch', null);
    expect(answer.body.errors).toBeUndefined();
    const { interpretation, edges } = answer.body.data.search;
    expect(interpretation.places.map((p: { name: string }) => p.name)).toEqual(['神戸市']);
    expect(interpretation.supportFields).toContain('STARTUP');
    expect(interpretation.dropped).toEqual(expect.arrayContaining(['たい']));
    expect(edges.length).toBeGreaterThan(0);
    // On screen, as a person reads it.
    await page.locator('.graphiql-response', { hasText: '"interpretation"' }).waitFor();
    await page.locator('.graphiql-response', { hasText: '"神戸市"' }).waitFor();
    await page.close();
  });

  test('a coordinator prepares the committee meeting and staff check their clients from the example tabs', async () => {
    const page = await openExplorer();
    const coordinator = await runTab(
      page,
      'PrepareCommitteeMeeting',
      await signDevelopmentToken({ role: 'coordinator' }, secret),
    );
    expect(coordinator.body.errors).toBeUndefined();
    const { growthSummary, committeeMeeting } = coordinator.body.data;
    const [{ selected }] = await app.store.query<{ selected: number }>(
      `select count(distinct firm_id)::int as selected from committee_decisions where decision = 'SELECTED'`,
    );
    expect(growthSummary.selectedTotal).toBe(selected);
    expect(committeeMeeting.agenda.length).toBeGreaterThan(0);
    for (const item of committeeMeeting.agenda) {
      expect(item.company.growth.score.total).toBe(
        item.company.growth.score.contributions.reduce((s: number, c: { points: number }) => s + c.points, 0),
      );
    }
    await page.locator('.graphiql-response', { hasText: '"contributions"' }).waitFor();

    const agency = 'hyogo-iac';
    const staff = await runTab(
      page,
      'ClientGrowthStatus',
      await signDevelopmentToken({ role: 'staff', agency }, secret),
    );
    expect(staff.body.errors).toBeUndefined();
    expect(staff.body.data.growthFirms.totalCount).toBeGreaterThan(0);
    const ours = new Set(
      (
        await app.store.query<{ id: string }>(
          `select firm_id as id from firm_clients where organization_id = $1 union select firm_id from support_plan_events where lead_agency = $1 or $1 = any(participating_agencies)`,
          [agency],
        )
      ).map((r) => r.id),
    );
    for (const { node } of staff.body.data.growthFirms.edges) {
      expect(['NOMINATED', 'DEFERRED', 'ACTIVE']).toContain(node.growth.status);
      expect({ firm: node.id, ours: ours.has(node.id) }).toEqual({ firm: node.id, ours: true });
    }
    await page.locator('.graphiql-response', { hasText: '"growthFirms"' }).waitFor();
    await page.close();
  });
});
