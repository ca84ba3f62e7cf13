/**
 * Firms without 法人番号 across agencies, in the demo store: proposals group one name in one
 * municipality recorded by several agencies and show the evidence; a confirmed match gets a
 * network id, its records count as one firm's, and confirming again changes nothing; a rejected
 * proposal is not made again; records that do not share name and municipality cannot be joined.
 */
import type { Store } from './engine/store';
import { openTestStore } from '../test/support/store';
import * as firms from './firms';
import * as consultations from './consultations';
import { refreshGrowthSignals } from './signals';
import { FIXED_NOW } from '../test/support/paths';

let store: Store;
const COORDINATOR = { role: 'coordinator' as const, subject: 'c', agencyId: null };

beforeAll(async () => {
  store = await openTestStore('demo');
});
afterAll(async () => {
  await store.close();
});

describe('judgeMatch', () => {
  const member = (over: Partial<firms.MatchCandidate>): firms.MatchCandidate => ({
    firmId: 'L-a',
    kind: 'LOCAL',
    organizationIds: ['a'],
    name: '田中商店',
    municipalityCode: '282014',
    phones: [],
    addresses: [],
    consultations: 1,
    industry: 'I',
    employees: 2,
    ...over,
  });
  it('calls records sharing a phone a match, different phones a conflict, and nothing to compare name-only', () => {
    expect(
      judgeLevel([
        member({ phones: ['079-222-3333'] }),
        member({ firmId: 'L-b', organizationIds: ['b'], phones: ['0792223333'] }),
      ]),
    ).toBe('PHONE_MATCHES');
    expect(
      judgeLevel([
        member({ phones: ['079-222-3333'] }),
        member({ firmId: 'L-b', organizationIds: ['b'], phones: ['079-999-0000'] }),
      ]),
    ).toBe('CONFLICTING');
    expect(
      judgeLevel([
        member({ addresses: ['姫路市本町1丁目2-3'] }),
        member({ firmId: 'L-b', organizationIds: ['b'], addresses: ['姫路市本町1丁目2-3'] }),
      ]),
    ).toBe('ADDRESS_MATCHES');
    expect(judgeLevel([member({}), member({ firmId: 'L-b', organizationIds: ['b'] })])).toBe('NAME_ONLY');
  });
  const judgeLevel = (m: firms.MatchCandidate[]) => firms.judgeMatch(m).level;
});

describe('match proposals in the demo logs', () => {
  it('group one name in one municipality recorded by several agencies, with phones and addresses as evidence', async () => {
    const proposals = await firms.matchProposals(store, 100);
    expect(proposals.length).toBeGreaterThan(5);
    for (const p of proposals) {
      expect(p.members.length).toBeGreaterThanOrEqual(2);
      expect(new Set(p.members.map((m) => m.name?.replace(/ /g, ''))).size).toBe(1);
      expect(new Set(p.members.map((m) => m.municipalityCode)).size).toBe(1);
    }
    // The same sole proprietor seen by two agencies gives the same phone to both.
    expect(proposals.some((p) => p.level === 'PHONE_MATCHES')).toBe(true);
  });

  it('a confirmed match is one network firm whose records all count; confirming again changes nothing', async () => {
    const [proposal] = (await firms.matchProposals(store, 100)).filter((p) => p.level === 'PHONE_MATCHES');
    const ids = proposal.members.map((m) => m.firmId);
    const total = proposal.members.reduce((s, m) => s + m.consultations, 0);
    const { firmId, changed } = await firms.confirmMatch(store, ids, 'coord', FIXED_NOW.toISOString());
    expect(firmId).toMatch(/^N-\d{6}$/);
    expect(changed.length).toBe(ids.length);
    await refreshGrowthSignals(store, { only: { records: changed, firmIds: [...ids, firmId] }, now: FIXED_NOW });
    const [signals] = await store.query<{ consultations: number; agencies: number; kind: string }>(
      'select consultations, agencies, kind from firm_signals where firm_id = $1',
      [firmId],
    );
    expect(signals).toMatchObject({ consultations: total, kind: 'NETWORK' });
    expect(signals.agencies).toBeGreaterThanOrEqual(2);
    expect(await store.query('select 1 from firm_signals where firm_id = any($1::text[])', [ids])).toEqual([]);
    const { rows } = await consultations.ofFirm(store, COORDINATOR, firmId, { limit: 100, offset: 0 });
    expect(rows).toHaveLength(total);
    const [{ clients }] = await store.query<{ clients: number }>(
      'select count(*)::int as clients from firm_clients where firm_id = $1',
      [firmId],
    );
    expect(clients).toBeGreaterThanOrEqual(2);
    // The consultations now name the network firm.
    expect(
      new Set(
        await consultations.firmIdsOf(
          store,
          rows.map((r) => r.id),
        ),
      ),
    ).toEqual(new Set([firmId]));
    // The same confirmation sent again (a retry) names records already linked: nothing changes.
    const [{ links }] = await store.query<{ links: number }>('select count(*)::int as links from firm_links');
    expect(await firms.confirmMatch(store, ids, 'coord', FIXED_NOW.toISOString())).toEqual({ firmId, changed: [] });
    expect(await firms.confirmMatch(store, [firmId, ids[0]], 'coord', FIXED_NOW.toISOString())).toEqual({
      firmId,
      changed: [],
    });
    expect((await store.query<{ links: number }>('select count(*)::int as links from firm_links'))[0].links).toBe(
      links,
    );
    await expect(firms.confirmMatch(store, [firmId, firmId], 'coord', FIXED_NOW.toISOString())).rejects.toThrow(
      /at least two/,
    );
    expect((await firms.matchProposals(store, 1000)).some((p) => p.members.some((m) => ids.includes(m.firmId)))).toBe(
      false,
    );
  });

  it('a rejected proposal is not made again', async () => {
    const [proposal] = (await firms.matchProposals(store, 100)).filter(
      (p) => p.level === 'CONFLICTING' || p.level === 'NAME_ONLY',
    );
    const ids = proposal.members.map((m) => m.firmId);
    await firms.rejectMatch(store, ids, 'coord', FIXED_NOW.toISOString(), '電話番号が異なり別事業者');
    await firms.rejectMatch(store, [...ids].reverse(), 'coord', FIXED_NOW.toISOString(), 'twice');
    expect((await firms.matchProposals(store, 1000)).find((p) => p.key === proposal.key)).toBeUndefined();
    const [{ n }] = await store.query<{ n: number }>(
      'select count(*)::int as n from firm_match_rejections where members = $1',
      [proposal.key],
    );
    expect(n).toBe(1);
  });

  it('refuses to join records that do not share name and municipality, and firms with 法人番号', async () => {
    const locals = await store.query<{ id: string }>(
      `select firm_id as id from firm_signals where kind = 'LOCAL' order by name_key limit 2`,
    );
    await expect(
      firms.confirmMatch(
        store,
        locals.map((l) => l.id),
        'coord',
        FIXED_NOW.toISOString(),
      ),
    ).rejects.toThrow(/do not share name and municipality/);
    await expect(
      firms.confirmMatch(store, [locals[0].id, '1234567890123'], 'coord', FIXED_NOW.toISOString()),
    ).rejects.toThrow(/法人番号/);
    await expect(
      firms.confirmMatch(store, [locals[0].id, 'L-nowhere-000000000000'], 'coord', FIXED_NOW.toISOString()),
    ).rejects.toThrow(/unknown firms/);
  });
});
