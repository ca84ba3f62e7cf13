/**
 * Attacks on the desk (Company.proposals, marks, notes, the firm finder), the committee page's
 * operations and the public feeds, from outside through the gateway as shipped. Who may read a
 * firm's proposals, and whether proposals or their reasons tell a caller about consultations it
 * may not read; whether the committee's nominations answer anonymous callers and analysts as the
 * rest of the growth file does (401/403 at the gateway: they answered 200 with an error); whether a
 * crafted feed link can inject into the Atom XML or the calendar, or a hostile Host header into
 * the links of a feed kept for every reader; and whether a crowd of feed readers costs a build each.
 */
import { request } from 'node:http';
import { fetch } from 'undici';
import { signDevelopmentToken } from '../../gateway/auth';
import { codeOf, gql, JWT_SECRET, startApp, type App } from './support';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const staffOf = (agency: string) => signDevelopmentToken({ role: 'staff', agency }, JWT_SECRET);

const PROPOSALS = `query($id: ID!) { company(id: $id) { id proposals(first: 50) { program { id } reasons { kind text evidence } } } }`;

/** A firm that is a client of two agencies, each with consultations of its own. */
async function sharedFirm(): Promise<{ firmId: string; agencies: [string, string] }> {
  const [row] = await app.app.store.query<{ firmId: string; orgs: string[] }>(
    `select firm_id as "firmId", array_agg(organization_id order by organization_id) as orgs
     from firm_clients group by firm_id having count(*) = 2 order by firm_id limit 1`,
  );
  return { firmId: row.firmId, agencies: [row.orgs[0], row.orgs[1]] };
}

test('anonymous callers and analysts get no proposals, and no hint of the firm', async () => {
  const { firmId } = await sharedFirm();
  const anonymous = await gql(app, PROPOSALS, { id: firmId });
  expect(anonymous.status).toBe(401);
  expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
  expect(anonymous.data ?? null).toBeNull();
  const analyst = await gql(app, PROPOSALS, { id: firmId }, app.tokens.analyst);
  expect(analyst.status).toBe(403);
  expect(analyst.text).not.toContain(firmId.slice(2));
});

test('staff of an agency the firm never consulted see neither the firm nor its proposals', async () => {
  const { firmId } = await sharedFirm();
  const other = await gql(app, PROPOSALS, { id: firmId }, app.tokens.staffIac);
  expect(other.data?.company ?? null).toBeNull();
  expect(other.text).not.toContain('NEED');
  const mark = await gql(
    app,
    `mutation($id: ID!) { markProposal(companyId: $id, programId: "x", mark: OFFERED) { mark } }`,
    { id: firmId },
    app.tokens.staffIac,
  );
  expect(codeOf(mark)).toBe('FORBIDDEN');
});

test('each of the firm’s agencies reads proposals whose evidence cites only consultations it may read', async () => {
  const { firmId, agencies } = await sharedFirm();
  for (const agency of agencies) {
    const token = await staffOf(agency);
    const r = await gql(app, PROPOSALS, { id: firmId }, token);
    expect(r.errors).toBeUndefined();
    const cited = new Set<string>(
      r.data!.company.proposals.flatMap((p: { reasons: Array<{ kind: string; evidence: string[] }> }) =>
        p.reasons.filter((x) => x.kind === 'NEED').flatMap((x) => x.evidence),
      ),
    );
    const visible = await app.app.store.query<{ id: string }>(
      `select c.id from consultations c where c.id = any($1::text[])
       and (c.organization_id = $2 or c.referred_to_id = $2
            or exists (select 1 from referrals r where r.consultation_id = c.id and r.to_organization_id = $2))`,
      [[...cited], agency],
    );
    expect(cited.size).toBeGreaterThan(0);
    expect(visible.map((v) => v.id).sort()).toEqual([...cited].sort());
    // And the texts count only those: no reason speaks of more consultations than it cites.
    for (const p of r.data!.company.proposals)
      for (const reason of p.reasons.filter((x: { kind: string }) => x.kind === 'NEED')) {
        const n = Number(/in (\d+) consultation/.exec(reason.text)?.[1]);
        expect(reason.evidence.length).toBe(Math.min(n, 10));
      }
  }
});

test('a mark’s consultant and free-text reason stay with the marking agency and coordinators', async () => {
  const { firmId, agencies } = await sharedFirm();
  const [marker, other] = [await staffOf(agencies[0]), await staffOf(agencies[1])];
  const proposed = await gql(app, PROPOSALS, { id: firmId }, marker);
  const programId = proposed.data!.company.proposals[0].program.id as string;
  const secret = 'the owner told us about the bank loan in confidence';
  const marked = await gql(
    app,
    `mutation($c: ID!, $p: ID!, $r: String) { markProposal(companyId: $c, programId: $p, mark: OFFERED, reason: $r) { reason markedBy } }`,
    { c: firmId, p: programId, r: secret },
    marker,
  );
  expect(marked.errors).toBeUndefined();
  const MARKS = `query($id: ID!) { company(id: $id) { proposals(first: 50) { program { id } mark { mark reason markedBy } reasons { kind text } } } }`;
  const seenBy = async (token: string | null) => {
    const r = await gql(app, MARKS, { id: firmId }, token);
    expect(r.errors).toBeUndefined();
    return r.data!.company.proposals.find((p: { program: { id: string } }) => p.program.id === programId);
  };
  const own = await seenBy(marker);
  expect(own.mark).toMatchObject({ mark: 'OFFERED', reason: secret });
  expect(own.mark.markedBy).not.toMatch(/^staff of /);
  const coordinator = await seenBy(app.tokens.coordinator);
  expect(coordinator.mark).toMatchObject({ reason: secret, markedBy: own.mark.markedBy });
  const theirs = await seenBy(other);
  expect(theirs.mark).toEqual({ mark: 'OFFERED', reason: null, markedBy: `staff of ${agencies[0]}` });
  expect(JSON.stringify(theirs)).not.toContain(own.mark.markedBy);
  expect(JSON.stringify(theirs)).not.toContain(secret);
});

test.each([
  ['{ nominations { id rationale } }', null, 401, 'UNAUTHENTICATED'],
  ['{ nominationAllowance { used cap } }', null, 401, 'UNAUTHENTICATED'],
  ['{ n: nominations { id } }', 'analyst', 403, 'FORBIDDEN'],
  ['{ ... on Query { nominationAllowance { used } } }', 'analyst', 403, 'FORBIDDEN'],
] as const)('%s as %s: refused at the gateway (%i)', async (query, role, status, code) => {
  const r = await gql(app, query, {}, role ? app.tokens[role] : null);
  expect(r.status).toBe(status);
  expect(codeOf(r)).toBe(code);
  expect(r.errors?.[0]?.extensions?.serviceName).toBeUndefined();
});

test('staff see their own agency’s nominations only', async () => {
  const [row] = await app.app.store.query<{ month: string; org: string }>(
    `select meeting_month as month, organization_id as org from nominations where organization_id is not null
     group by 1, 2 order by count(*) desc limit 1`,
  );
  if (!row) throw new Error('the demo store has no nominations');
  const other = row.org === 'hyogo-iac' ? app.tokens.staffCgc : app.tokens.staffIac;
  const query = `query($m: String) { nominations(meeting: $m) { id agency { id } } }`;
  const own = await gql(app, query, { m: row.month }, await staffOf(row.org));
  expect(
    own.data!.nominations.filter((n: { agency: { id: string } }) => n.agency.id === row.org).length,
  ).toBeGreaterThan(0);
  const r = await gql(app, query, { m: row.month }, other);
  expect(r.errors).toBeUndefined();
  for (const n of r.data!.nominations) expect(n.agency?.id).not.toBe(row.org);
});

describe('feeds from crafted links', () => {
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.base}${path}`, { headers });
  /** A GET with headers fetch would not send as given (Host). */
  const rawGet = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${app.base}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end();
    });

  test('control characters in the search are a 400, never an XML document no reader can parse', async () => {
    for (const q of ['%01%E8%B3%87%E9%87%91', '%E8%B3%87%E9%87%91%1B', '%00']) {
      const r = await get(`/feeds/programs.atom?q=${q}`);
      expect(r.status).toBe(400);
      await r.text();
    }
  });

  test('CR/LF in the search cannot add lines to the calendar, nor markup to the feed', async () => {
    const inject = encodeURIComponent(
      '資金\r\nBEGIN:VEVENT\r\nSUMMARY:偽の締切\r\nEND:VEVENT\r\n</title><script>x</script>',
    );
    const ics = await (await get(`/feeds/programs.ics?q=${inject}`)).text();
    const unfolded = ics.replace(/\r\n[ \t]/g, '');
    expect(unfolded.split('\r\n').filter((l) => l.startsWith('SUMMARY:偽'))).toEqual([]);
    expect(unfolded.split('\r\n').filter((l) => l === 'BEGIN:VEVENT').length).toBe(
      unfolded.split('\r\n').filter((l) => l.startsWith('UID:')).length,
    );
    const atom = await (await get(`/feeds/programs.atom?q=${inject}`)).text();
    expect(atom).not.toContain('<script>');
    expect(atom).toContain('&lt;/title&gt;&lt;script&gt;');
  });

  test('aliased programme feeds in one anonymous request are refused by cost; the feed route’s one is served', async () => {
    const feed = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `f${i}: programFeed(search: { text: "資金${i}" }) { entries { id } }`).join(' ')} }`;
    const many = await gql(app, feed(29));
    expect({ status: many.status, code: codeOf(many) }).toEqual({ status: 400, code: 'COST_LIMIT_EXCEEDED' });
    const four = await gql(app, feed(4));
    expect(codeOf(four)).toBe('COST_LIMIT_EXCEEDED');
    const one = await gql(app, feed(1));
    expect(one.errors).toBeUndefined();
    const route = await get('/feeds/programs.atom?q=%E8%B3%87%E9%87%91');
    expect(route.status).toBe(200);
    await route.text();
  });

  test('a hostile Host header reaches no link, in its own answer nor in the kept feed others are served', async () => {
    for (const path of ['/feeds/programs.atom?q=%E8%9E%8D%E8%B3%87', '/feeds/programs.ics']) {
      const hostile = await rawGet(path, { host: 'attacker.example', 'x-forwarded-host': 'attacker.example' });
      expect(hostile.status).toBe(200);
      expect(hostile.body).not.toContain('attacker.example');
      // Links point at the gateway's own address (no MADOGUCHI_PUBLIC_URL here).
      expect(hostile.body).toContain(`${app.base}/program?id=`);
      const next = await get(path);
      expect(await next.text()).toBe(hostile.body);
    }
  });

  test('a crowd of readers of one feed costs one build; a reader with its ETag gets 304', async () => {
    // Each build asks the desk subgraph once: its requests count the builds.
    const lookups = async () => (await app.subgraphRequests()).desk;
    const path = `/feeds/programs.atom?q=${encodeURIComponent('設備投資')}&field=FINANCE`;
    const before = await lookups();
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(path)));
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(new Set(answers.map((r) => r.headers.get('etag'))).size).toBe(1);
    expect((await lookups()) - before).toBe(1);
    // One after another too (nothing in flight to share).
    for (let i = 0; i < 3; i++) expect(await (await get(path)).text()).toBe(bodies[0]);
    expect((await lookups()) - before).toBe(1);
    const etag = answers[0].headers.get('etag')!;
    const again = await get(path, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await lookups()) - before).toBe(1);
  });

  test('a query string over the bound is refused before any work', async () => {
    const r = await get(`/feeds/programs.atom?q=${'a'.repeat(2_100)}`);
    expect(r.status).toBe(414);
    await r.text();
  });
});

describe('webhooks through the gateway', () => {
  const REGISTER = `mutation($url: String!) { registerProgramWebhook(url: $url) { secret webhook { id } } }`;

  test.each([
    [null, 'UNAUTHENTICATED'],
    ['staffIac', 'FORBIDDEN'],
    ['analyst', 'FORBIDDEN'],
  ] as const)('%s may not register one', async (role, code) => {
    const r = await gql(app, REGISTER, { url: 'https://hooks.example.jp/x' }, role ? app.tokens[role] : null);
    expect(codeOf(r)).toBe(code);
    expect(r.data?.registerProgramWebhook ?? null).toBeNull();
  });

  test('a coordinator may not point one at the gateway itself', async () => {
    const r = await gql(app, REGISTER, { url: `${app.base}/graphql` }, app.tokens.coordinator);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/loopback/);
  });

  test('the signing secret is shown once: no field reads it back', async () => {
    const r = await gql(app, '{ programWebhooks(all: true) { id secret } }', {}, app.tokens.coordinator);
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
