import { type Browser, type Page } from 'playwright-core';
import { fetch } from 'undici';
import { startDemoEmbedded } from '../support/demo';
import { type Embedded } from '../../app/embedded';
import { signDevelopmentToken } from '../../gateway/auth';
import { describeWithBrowser, guardPage, launchBrowser, tabTo, seriousViolations } from '../support/browser';

const maybe = describeWithBrowser('desk browser tests');

maybe('the desk page', () => {
  let app: Embedded;
  let browser: Browser;
  let base: string;
  let firm: { id: string; agency: string };
  const secret = new TextEncoder().encode('desk-test-secret-desk-test-secret-desk-t');
  const blocked: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startDemoEmbedded({
      auth: { secret },
    });
    base = `http://127.0.0.1:${app.gateway.port}`;
    browser = await launchBrowser();
    [firm] = await app.store.query<{ id: string; agency: string }>(
      `select corporate_number as id, organization_id as agency from consultations
       where municipality_code = '282022' and corporate_number is not null
       group by 1, 2 having count(*) filter (where topics[1] = 'SUCCESSION') >= 2
         and count(*) filter (where topics[1] = 'SUCCESSION') * 2 > count(*)
       order by count(*) desc, 1 limit 1`,
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function openPage(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await guardPage(page, blocked, problems);
    await page.goto(`${base}${path}`);
    return page;
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.locator('#token').waitFor({ timeout: 30_000 });
    await tabTo(page, '#token');
    await page.keyboard.insertText(token);
    await tabTo(page, 'form button[type=submit]');
    await page.keyboard.press('Enter');
    await page.locator('#find').waitFor();
  }

  async function openFirm(page: Page): Promise<void> {
    // The search field has the focus once signed in.
    await page.waitForFunction("document.activeElement?.id === 'find'");
    await page.keyboard.insertText(firm.id);
    await page.keyboard.press('Enter');
    await page.locator('.found button').first().waitFor({ timeout: 30_000 });
    await tabTo(page, '.found button');
    await page.keyboard.press('Enter');
    await page.locator('.proposals > li').first().waitFor({ timeout: 30_000 });
  }

  test('staff find a firm, read proposals with reasons, mark one, refer and write a note — by keyboard alone', async () => {
    const staff = await signDevelopmentToken({ role: 'staff', agency: firm.agency, sub: 'desk-staff' }, secret);
    const page = await openPage('/desk');
    await page.locator('#token').waitFor({ timeout: 30_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await signIn(page, staff);
    await openFirm(page);
    // The firm's heading takes the focus; proposals come with their reasons.
    expect(await page.evaluate('document.activeElement?.id')).toBe('company-heading');
    const first = page.locator('.proposals > li').first();
    expect(await first.locator('.reasons li').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^相談内容 事業承継 in \d+ consultations? since/)]),
    );
    expect(await seriousViolations(page)).toEqual([]);

    // Mark the first proposal offered.
    await tabTo(page, '.proposals > li:first-child button[data-action=offered]');
    await page.keyboard.press('Enter');
    await page.locator('.status', { hasText: '提案済みにしました' }).waitFor({ timeout: 30_000 });
    const [mark] = await app.store.query<{ mark: string; marked_by: string }>(
      'select mark, marked_by from proposal_marks where firm_id = $1',
      [firm.id],
    );
    expect(mark).toEqual({ mark: 'OFFERED', marked_by: 'desk-staff' });

    // One-click referral to the offering agency of a proposal from another agency.
    const buttons = page.locator('.proposals button[data-action=refer]');
    const names = await buttons.allInnerTexts();
    const own = (
      await app.store.query<{ name: string }>('select name from organizations where id = $1', [firm.agency])
    )[0].name;
    const index = names.findIndex((n) => !n.startsWith(own));
    expect(index).toBeGreaterThanOrEqual(0);
    await buttons.nth(index).focus();
    await page.keyboard.press('Enter');
    await page.locator('.status', { hasText: 'へ紹介しました' }).waitFor({ timeout: 30_000 });
    const referrals = await app.store.query<{ note: string }>(
      `select r.note from referrals r join consultations c on c.id = r.consultation_id where c.corporate_number = $1 and r.referred_by = 'desk-staff'`,
      [firm.id],
    );
    expect(referrals).toHaveLength(1);
    expect(referrals[0].note).toMatch(/^提案: /);

    // A note on the latest consultation.
    await tabTo(page, '.history textarea');
    await page.keyboard.insertText('事業承継・引継ぎ支援センターを案内。次回は後継者も同席。');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('.notes li', { hasText: '後継者も同席' }).waitFor({ timeout: 30_000 });
    expect(await seriousViolations(page)).toEqual([]);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  test('a coordinator sees the proposals but no referral button; an analyst token is refused', async () => {
    const coordinator = await signDevelopmentToken({ role: 'coordinator', sub: 'desk-coord' }, secret);
    const page = await openPage('/desk');
    await signIn(page, coordinator);
    await openFirm(page);
    expect(await page.locator('.proposals > li').count()).toBeGreaterThan(0);
    expect(await page.locator('.proposals button[data-action=refer]').count()).toBe(0);
    await page.close();
    const analyst = await signDevelopmentToken({ role: 'analyst' }, secret);
    const other = await openPage('/desk');
    await signIn(other, analyst);
    await other.waitForFunction("document.activeElement?.id === 'find'");
    await other.keyboard.insertText(firm.id);
    await other.keyboard.press('Enter');
    await other.locator('.error', { hasText: '許可されていません' }).waitFor({ timeout: 30_000 });
    expect(await seriousViolations(other)).toEqual([]);
    await other.close();
    expect(blocked).toEqual([]);
  }, 120_000);

  test('the one-stop page links every search to its Atom feed and calendar', async () => {
    const page = await openPage('/?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99&muni=282022');
    const atom = page.locator('.subscribe a[type="application/atom+xml"]');
    await atom.waitFor({ timeout: 30_000 });
    const href = await atom.getAttribute('href');
    expect(href).toMatch(/^\/feeds\/programs\.atom\?/);
    const params = new URL(href!, base).searchParams;
    expect(params.get('q')).toBe('事業承継');
    expect(params.get('muni')).toBe('282022');
    const res = await fetch(new URL(href!, base));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const ics = await page.locator('.subscribe a[type="text/calendar"]').getAttribute('href');
    expect((await fetch(new URL(ics!, base))).headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
