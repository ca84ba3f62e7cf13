/**
 * Attack: `sources { rejectedRows { value reason } location lastError }` handed anyone the refused
 * cells of consultation logs (a 法人番号, a consultation summary) and the internal addresses of
 * agency systems, and the response cache served them again. Refused consultation rows are now for
 * that agency's staff and coordinators only; locations and error details for staff roles only;
 * everyone sees status, counts and freshness; and the cache never hands one role's answer to another.
 */
import { codeOf, gql, markSourceFailed, startApp, type App } from './support';

let app: App;
const FIRM = '7010001088960';
const SUMMARY = '資金繰りの相談。取引先の倒産で売掛金が回収できない';
const INTERNAL = 'connect ECONNREFUSED 10.20.30.40:8443 (https://crm.internal.hyogo-iac.example/export?token=abc)';
const QUERY = `{ sources(agencyId: "hyogo-iac") { id entity status stale acceptedCount rejectedCount lastSuccessAt lastAttemptAt location lastError rejectedRows { row field value reason } } }`;

beforeAll(async () => {
  app = await startApp();
  const store = app.app.store;
  await store.query(
    `insert into ingest_rejections (source_id, ordinal, row_number, field, value, reason) values
       ('hyogo-iac/consultations', 1, 17, '法人番号', $1, $2), ('hyogo-iac/consultations', 2, 18, '相談概要', $3, $4)`,
    [FIRM, `check digit of "${FIRM}" is wrong`, SUMMARY, `longer than 20 characters: "${SUMMARY}"`],
  );
  await store.query(`update sources set rejected_count = 2 where id = 'hyogo-iac/consultations'`);
  await markSourceFailed(app, 'hyogo-iac/consultations', '2026-11-25T01:00:00Z', INTERNAL);
});
afterAll(() => app.close());

type Source = {
  id: string;
  entity: string;
  status: string;
  location: string | null;
  lastError: string | null;
  rejectedCount: number;
  rejectedRows: Array<{ value: string | null; reason: string }>;
};
const consultationSource = (data: any): Source =>
  (data.sources as Source[]).find((s) => s.id === 'hyogo-iac/consultations')!;

test.each(['anonymous', 'analyst', 'staffCgc'] as const)(
  '%s sees status, counts and freshness, but no refused consultation cell, location or error detail',
  async (who) => {
    // Twice: the second answer may come from the response cache, and must be as clean.
    for (let i = 0; i < 2; i++) {
      const r = await gql(app, QUERY, {}, app.tokens[who]);
      expect(r.errors).toBeUndefined();
      const s = consultationSource(r.data);
      expect(s).toMatchObject({ status: 'FAILED', rejectedCount: 2 });
      expect(r.text).not.toContain(FIRM);
      expect(r.text).not.toContain(SUMMARY);
      expect(r.text).not.toContain('10.20.30.40');
      expect(r.text).not.toContain('crm.internal');
      expect(r.text).not.toContain('127.0.0.1');
      expect(r.text).not.toContain('.test-cache');
      for (const other of r.data!.sources as Source[]) expect([other.location, other.lastError]).toEqual([null, null]);
    }
  },
);

test.each(['staffIac', 'coordinator'] as const)(
  '%s (the agency’s staff, a coordinator) sees the refused values, location and error',
  async (who) => {
    const r = await gql(app, QUERY, {}, app.tokens[who]);
    expect(r.errors).toBeUndefined();
    const s = consultationSource(r.data);
    expect(s.rejectedRows.map((x) => x.value)).toEqual([FIRM, SUMMARY]);
    expect(s.lastError).toBe(INTERNAL);
    expect(s.location).toContain('hyogo-iac');
  },
);

test('a staff answer is never served from the cache to anonymous, nor an anonymous one to staff', async () => {
  const staff = await gql(app, QUERY, {}, app.tokens.staffIac);
  expect(staff.text).toContain(FIRM);
  const anonymous = await gql(app, QUERY);
  expect(anonymous.text).not.toContain(FIRM);
  const again = await gql(app, QUERY, {}, app.tokens.staffIac);
  expect(again.headers.get('x-cache')).toBeNull();
  expect(again.text).toContain(FIRM);
});

test('refused rows of public sources stay public: the agency sees why its programme file was refused', async () => {
  const r = await gql(app, '{ sources(agencyId: "hyogo-cci") { entity rejectedRows { row field value reason } } }');
  const programmes = (r.data!.sources as Source[]).find((s) => s.entity === 'PROGRAM')!;
  expect(programmes.rejectedRows.some((x) => x.value === '小規模事業者')).toBe(true);
  expect(codeOf(r)).toBeUndefined();
});
