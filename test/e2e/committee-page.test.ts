/**
 * The committee page (/committee) as the people who run the growth-firm programme use it, in
 * Debian's chromium through playwright-core, against `npm start`'s gateway on the demo store,
 * with every request that would leave 127.0.0.1 blocked and counted. An agency's staff member
 * nominates a client by keyboard, sees the allowance and that a repeat keeps the first; another
 * agency's nomination stays out of their list; a coordinator prepares the month's meeting (the
 * nomination and the top-scored firms, a firm's score contributions and consultations), records
 * a decision with its reason, and finds it in the decisions table, the pack CSV and the audit
 * log; the follow-up list shows the supported firms with overdue reviews marked, filters and
 * records a review; analysts and anonymous callers are refused with a clear message; the print
 * hides the controls; axe-core finds no serious or critical violation.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { fetch } from 'undici';
import { type Browser, type Page } from 'playwright-core';
import { startDemoEmbedded } from '../support/demo';
import { type Embedded } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { ROOT } from '../support/paths';
import { describeWithBrowser, guardPage, launchBrowser, tabTo, seriousViolations } from '../support/browser';

const maybe = describeWithBrowser('committee page browser tests');
const OUTPUT = join(ROOT, 'test', 'output');
// The demo store's clock: the meeting of this month (Japan time) is the one being prepared.
const MONTH = '2026-11';

maybe('committee page', () => {
  let app: Embedded;
  let browser: Browser;
  let base: string;
  const secret = new TextEncoder().encode('committee-page-secret-committee-page-sec');
  const blocked: string[] = [];
  const problems: string[] = [];
  let coordinator: string;
  let iacStaff: string;
  /** A client of hyogo-iac with a corporate number, never nominated nor decided. */
  let client: { id: string; name: string };

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    app = await startDemoEmbedded({
      auth: { secret },
    });
    base = `http://127.0.0.1:${app.gateway.port}`;
    browser = await launchBrowser();
    coordinator = await signDevelopmentToken({ role: 'coordinator', sub: 'coord-nishida' }, secret);
    iacStaff = await signDevelopmentToken({ role: 'staff', agency: 'hyogo-iac', sub: 'iac-tanaka' }, secret);
    [client] = await app.store.query<{ id: string; name: string }>(
      `select c.firm_id as id, s.name from firm_clients c join firm_signals s on s.firm_id = c.firm_id
       where c.organization_id = 'hyogo-iac' and s.kind = 'CORPORATE' and s.name is not null
         and not exists (select 1 from nominations n where n.firm_id = c.firm_id)
         and not exists (select 1 from committee_decisions d where d.firm_id = c.firm_id)
       order by s.score desc, c.firm_id limit 1`,
    );
    expect(client?.id).toMatch(/^\d{13}$/);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function openPage(path: string, token?: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    await guardPage(page, blocked, problems);
    if (token) {
      // Signed in for this tab's session, as the sign-in form leaves it.
      await page.addInitScript(`window.sessionStorage.setItem('madoguchi.committee.token', ${JSON.stringify(token)})`);
    }
    await page.goto(`${base}${path}`);
    return page;
  }

  async function graphql(query: string, variables: Record<string, unknown>, token?: string) {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  }

  test('the page and its assets are served like the other pages', async () => {
    for (const path of ['/committee', '/web/committee.js', '/web/committee.css']) {
      const res = await fetch(`${base}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      await res.arrayBuffer();
    }
  });

  test('staff nominate a client by keyboard, see their allowance, and a repeat keeps the first nomination', async () => {
    const page = await openPage(`/committee?month=${MONTH}`);
    // Signing in by keyboard: paste the token into the form.
    await page.locator('#token').waitFor({ timeout: 30_000 });
    await tabTo(page, '#token');
    await page.keyboard.insertText(iacStaff);
    await tabTo(page, 'form button[type=submit]');
    await page.keyboard.press('Enter');
    // Staff have the nominations view only.
    await page.locator('.allowance').waitFor({ timeout: 30_000 });
    expect(await page.locator('nav.tabs a').allInnerTexts()).toEqual(['推薦']);
    expect(await page.locator('.allowance').innerText()).toMatch(/30社まで推薦できます.*0社を推薦済み.*残り30社/s);
    expect(await seriousViolations(page)).toEqual([]);

    await tabTo(page, '#firm-id');
    await page.keyboard.insertText(client.id);
    await page.keyboard.press('Enter');
    await page.locator('.firm-found').waitFor();
    expect(await page.locator('.firm-found').innerText()).toContain(client.name);
    await tabTo(page, '#rationale');
    await page.keyboard.insertText('設備投資と販路開拓の計画が具体化しており、ネットワークでの集中支援を要望。');
    await tabTo(page, 'button[type=submit]:not(.secondary)');
    await page.keyboard.press('Enter');
    await page.locator('.notice').waitFor();
    expect(await page.locator('.notice').innerText()).toContain('推薦しました');
    await page.locator(`table.nominations tr[data-company="${client.id}"]`).waitFor();
    await page.locator('.allowance[data-remaining="29"]').waitFor();

    // The same firm again: the first nomination stays, the count does not move.
    await page.fill('#firm-id', client.id);
    await page.click('text=企業を確認');
    await page.locator('.firm-found').waitFor();
    await page.fill('#rationale', '再送');
    await page.click('button:has-text("委員会に推薦する")');
    await page.locator('.notice:has-text("推薦済み")').waitFor();
    expect(await page.locator('table.nominations tbody tr').count()).toBe(1);
    expect(await page.locator('table.nominations tbody').innerText()).not.toContain('再送');
    expect(await page.locator('.allowance').getAttribute('data-remaining')).toBe('29');
    await page.screenshot({ path: join(OUTPUT, 'committee-staff.png'), fullPage: true });
    await page.close();
  });

  test('staff see their own agency’s nominations only', async () => {
    const cgcStaff = await signDevelopmentToken({ role: 'staff', agency: 'hyogo-cgc', sub: 'cgc-mori' }, secret);
    const [other] = await app.store.query<{ id: string }>(
      `select c.firm_id as id from firm_clients c join firm_signals s on s.firm_id = c.firm_id
       where c.organization_id = 'hyogo-cgc' and s.kind = 'CORPORATE' and c.firm_id <> $1
         and not exists (select 1 from nominations n where n.firm_id = c.firm_id)
         and not exists (select 1 from committee_decisions d where d.firm_id = c.firm_id)
       order by c.firm_id limit 1`,
      [client.id],
    );
    const nominated = await graphql(
      'mutation($id: ID!) { nominateCompany(companyId: $id, rationale: "資金繰り改善後の事業拡大", meeting: "2026-11") { id } }',
      { id: other.id },
      cgcStaff,
    );
    expect(nominated.errors).toBeUndefined();
    const mine = await graphql(
      'query { nominations(meeting: "2026-11") { company { id } agency { id } } nominationAllowance(meeting: "2026-11") { used agency { id } } }',
      {},
      iacStaff,
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data.nominations).toEqual([{ company: { id: client.id }, agency: { id: 'hyogo-iac' } }]);
    expect(mine.data.nominationAllowance).toEqual({ used: 1, agency: { id: 'hyogo-iac' } });
    const all = await graphql('query { nominations(meeting: "2026-11") { company { id } } }', {}, coordinator);
    expect(all.data.nominations.map((n: { company: { id: string } }) => n.company.id).sort()).toEqual(
      [client.id, other.id].sort(),
    );
  });

  test('a coordinator prepares the meeting, records a decision with its reason, and finds it in the pack and the audit log', async () => {
    const page = await openPage(`/committee?month=${MONTH}`, coordinator);
    const item = page.locator(`li.agenda-item[data-company="${client.id}"]`);
    await item.waitFor({ timeout: 30_000 });
    expect(await page.locator('nav.tabs a').allInnerTexts()).toEqual([
      '委員会の議題と判定',
      '支援企業のフォローアップ',
      '推薦',
    ]);
    // Nominations first, with who nominated and why; then the top-scored firms no one nominated.
    expect(await item.locator('.reason').allInnerTexts()).toContain('推薦');
    expect(await item.innerText()).toContain('設備投資と販路開拓の計画が具体化');
    const reasons = await page.locator('li.agenda-item .item-head .chips').allInnerTexts();
    expect(reasons.filter((r) => r.includes('スコア上位')).length).toBeGreaterThan(0);
    expect(reasons.findIndex((r) => r.includes('スコア上位'))).toBeGreaterThan(
      reasons.findIndex((r) => r.includes('推薦')),
    );
    expect(await seriousViolations(page)).toEqual([]);

    // The firm's file: one bar per signal, each with its points, adding up to the total.
    await item.locator('button[aria-controls]').click();
    const chart = item.locator('figure.score-chart');
    await chart.waitFor({ timeout: 30_000 });
    const points = (await chart.locator('li .points').allInnerTexts()).map((t) => Number(t.replace('点', '')));
    const total = Number(/(\d+)点/.exec(await chart.locator('figcaption strong').innerText())![1]);
    expect(points.length).toBeGreaterThan(3);
    expect(points.reduce((a, b) => a + b, 0)).toBe(total);
    for (const reason of await chart.locator('li .reason').allInnerTexts()) expect(reason.trim()).not.toBe('');
    // Its consultations across agencies, counted by month.
    const consulted = await app.store.query<{ n: number }>(
      `select count(*)::int as n from consultations where corporate_number = $1`,
      [client.id],
    );
    const caption = await item.locator('table.timeline caption').innerText();
    expect(caption).toContain(`${consulted[0].n}件`);
    expect(await seriousViolations(page)).toEqual([]);

    // A decision needs its reason: the form does not send without one.
    await item.locator('input[value="SELECTED"]').check();
    await item.locator('button:has-text("判定を記録する")').click();
    expect(await item.locator('.decided').count()).toBe(0);
    await item.locator('textarea').fill('設備投資の計画に具体性があり、複数機関の支援で成長が見込めるため選定。');
    expect(await item.locator('select').inputValue()).toBe('hyogo-iac');
    await item.locator('button:has-text("判定を記録する")').click();
    await item.locator('.decided').waitFor({ timeout: 30_000 });
    expect(await item.locator('.decided').innerText()).toMatch(/選定.*設備投資の計画に具体性.*coord-nishida/s);
    const row = page.locator(`table.decisions-table tr[data-company="${client.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/選定[\s\S]*coord-nishida/);
    await page.screenshot({ path: join(OUTPUT, 'committee-agenda.png'), fullPage: true });

    // The month's pack, downloaded from the page: the decision with its reason and who took it.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button:has-text("委員会資料（CSV）をダウンロード")'),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const rows = Papa.parse<string[]>(csv.trim()).data;
    const header = rows[0];
    const decided = rows.find((r) => r[header.indexOf('企業ID')] === client.id)!;
    expect(decided[header.indexOf('判定')]).toBe('選定');
    expect(decided[header.indexOf('判定理由')]).toContain('設備投資の計画に具体性');
    expect(decided[header.indexOf('判定者')]).toBe('coord-nishida');
    expect(decided[header.indexOf('推薦機関')]).toContain('ひょうご産業活性化センター');

    // The audit log has the decision, by whom.
    const audit = await graphql(
      'query($id: ID!) { growthAudit(filter: { companyId: $id }, first: 50) { edges { node { subject role fields } } } }',
      { id: client.id },
      coordinator,
    );
    const entries = audit.data.growthAudit.edges.map((e: any) => e.node);
    expect(entries).toContainEqual(
      expect.objectContaining({ subject: 'coord-nishida', role: 'coordinator', fields: ['recordCommitteeDecision'] }),
    );

    // A clean A4 agenda: the controls are not printed, the agenda is.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.tabs').isVisible()).toBe(false);
    expect(await page.locator('button:has-text("委員会資料（CSV）をダウンロード")').isVisible()).toBe(false);
    expect(await item.locator('h3').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', path: join(OUTPUT, 'committee-agenda.pdf') });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });

  test('the follow-up list shows the supported firms with overdue reviews marked, filters and records a review', async () => {
    const [{ active }] = await app.store.query<{ active: number }>(
      `select count(*)::int as active from (select distinct on (plan_id) plan_id, status from support_plan_events
       order by plan_id, at desc, id desc) p where status = 'ACTIVE'`,
    );
    const page = await openPage(`/committee?month=${MONTH}&view=followup`, coordinator);
    await page.locator('table.followup tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('table.followup tbody tr').count()).toBe(active);
    // The plan opened by this run's selection was reviewed today; the demo's plans, last changed
    // by March, are overdue.
    const fresh = page.locator(`table.followup tr[data-company="${client.id}"]`);
    expect(await fresh.getAttribute('class')).toBeNull();
    const overdue = await page.locator('table.followup tr.overdue').count();
    expect(overdue).toBe(active - 1);
    expect(await page.locator('[role=status]').first().innerText()).toContain(`期限超過 ${overdue}社`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(OUTPUT, 'committee-followup.png'), fullPage: true });

    // Filter by lead agency: every row shown is led by it.
    await page.selectOption('#fu-agency', 'hyogo-iac');
    const leads = await page.locator('table.followup tbody tr td:nth-child(4)').allInnerTexts();
    expect(leads.length).toBeGreaterThan(0);
    expect(new Set(leads).size).toBe(1);
    await page.selectOption('#fu-agency', '');

    // Record a review on an overdue firm with its next day: it is no longer overdue.
    const target = page.locator('table.followup tr.overdue').first();
    const id = (await target.getAttribute('data-company'))!;
    await target.locator('button:has-text("記録する")').click();
    await target.locator('textarea').fill('主担当機関が訪問。設備導入は予定どおり。');
    await target.locator('input[type=date]').fill('2027-01-15');
    await target.locator('button:has-text("フォローアップを記録する")').click();
    const after = page.locator(`table.followup tr[data-company="${id}"]`);
    await page.locator(`table.followup tr[data-company="${id}"]:not(.overdue)`).waitFor();
    expect(await after.innerText()).toContain('2027/1/15');
    await page.close();
  });

  test('analysts and anonymous callers are refused with a clear message', async () => {
    const analyst = await signDevelopmentToken({ role: 'analyst' }, secret);
    const page = await openPage(`/committee?month=${MONTH}`, analyst);
    const alert = page.locator('[role=alert][data-code=FORBIDDEN]');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toContain('総括コーディネーターと支援機関職員のためのもの');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
    // The graph refuses them whatever a page shows.
    for (const [token, code] of [
      [analyst, 'FORBIDDEN'],
      [undefined, 'UNAUTHENTICATED'],
    ] as const) {
      for (const query of [
        'query { nominations(meeting: "2026-11") { id } }',
        'query { nominationAllowance(meeting: "2026-11") { used } }',
        'query { committeeMeeting(month: "2026-11") { agenda { score } } }',
      ]) {
        const res = await graphql(query, {}, token);
        expect({ query, code: res.errors?.[0]?.extensions?.code }).toEqual({ query, code });
      }
    }
  });

  test('no request left this machine and no page error happened', () => {
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });
});
