/**
 * The growth programme's store against the demo store (synced from the demo agencies, committee
 * minutes included): history read from the minutes, the rules of nominations, decisions and
 * plans, their idempotence, and that a re-sync of the minutes never touches what was recorded
 * through the graph.
 */
import type { Store } from './engine/store';
import { openTestStore } from '../test/support/store';
import * as growth from './growth';
import { replaceSource } from './ingest';
import type { CommitteeMinuteRecord } from '../domain/records';

let store: Store;
const AT = '2026-11-20T06:00:00.000Z';

beforeAll(async () => {
  store = await openTestStore('demo');
});
afterAll(async () => {
  await store.close();
});

async function firmWithout(condition: string): Promise<string> {
  const [row] = await store.query<{ id: string }>(
    `select s.firm_id as id from firm_signals s where s.kind = 'CORPORATE' and s.agencies >= 2 and ${condition}
       and not exists (select 1 from committee_decisions d where d.firm_id = s.firm_id)
       and not exists (select 1 from nominations n where n.firm_id = s.firm_id)
     order by s.firm_id limit 1`,
  );
  return row.id;
}

describe('history from the committee minutes', () => {
  it('lands as meetings, decisions and plans that agree with the minutes', async () => {
    const [minutes] = await store.query<{ selected: number; ended: number; months: number; decisions: number }>(
      `select count(distinct coalesce(corporate_number, firm_id)) filter (where outcome = 'SELECTED')::int as selected,
              count(*) filter (where outcome in ('GRADUATED', 'WITHDRAWN'))::int as ended,
              count(distinct to_char(meeting_on, 'YYYY-MM'))::int as months,
              count(*) filter (where outcome in ('SELECTED', 'DEFERRED', 'DECLINED'))::int as decisions
       from committee_minutes`,
    );
    const summary = await growth.summary(store);
    expect(minutes.selected).toBeGreaterThan(20);
    expect(summary.selectedTotal).toBe(minutes.selected);
    expect(summary.active).toBe(minutes.selected - minutes.ended);
    expect(summary.graduated + summary.withdrawn).toBe(minutes.ended);
    expect(summary.meetings).toBe(minutes.months);
    const [{ n }] = await store.query<{ n: number }>(
      'select count(*)::int as n from committee_decisions where source_id is not null',
    );
    expect(n).toBe(minutes.decisions);
  });

  it('gives every selected firm a plan led by the agency that nominated it', async () => {
    const rows = await store.query<{ firmId: string; month: string; nominator: string }>(
      `select d.firm_id as "firmId", d.meeting_month as month, n.organization_id as nominator from committee_decisions d
       join nominations n on n.firm_id = d.firm_id and n.meeting_month = d.meeting_month where d.decision = 'SELECTED'`,
    );
    expect(rows.length).toBeGreaterThan(20);
    const plans = await growth.plansOf(
      store,
      rows.map((r) => r.firmId),
    );
    rows.forEach((r, i) => {
      const plan = plans[i].find((p) => p.selectedMonth === r.month)!;
      expect({ firm: r.firmId, lead: plan.leadAgency }).toEqual({ firm: r.firmId, lead: r.nominator });
      expect(plan.history[0].status).toBe('ACTIVE');
    });
  });
});

describe('decisions', () => {
  it('are refused without a reason', async () => {
    const firm = await firmWithout('true');
    await expect(
      growth.decide(store, {
        firmId: firm,
        meetingMonth: '2026-11',
        decision: 'DEFERRED',
        reason: '  ',
        by: 'c',
        at: AT,
      }),
    ).rejects.toThrow(/needs its reason/);
    // The table itself refuses a blank reason, whatever writes to it.
    await expect(
      store.query(
        `insert into committee_decisions (firm_id, meeting_month, decision, reason, decided_by, decided_at) values ($1, '2026-11', 'DEFERRED', ' ', 'x', now())`,
        [firm],
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('sent twice record one decision; a different decision on the same firm and meeting is a conflict', async () => {
    const firm = await firmWithout('true');
    const input = {
      firmId: firm,
      meetingMonth: '2026-11',
      decision: 'DEFERRED' as const,
      reason: '資金計画の確認待ち',
      by: 'coord',
      at: AT,
    };
    const first = await growth.decide(store, input);
    const second = await growth.decide(store, input);
    expect(first.created).toBe(true);
    expect(second).toEqual({ decision: first.decision, created: false });
    await expect(growth.decide(store, { ...input, decision: 'DECLINED' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const [{ n }] = await store.query<{ n: number }>(
      'select count(*)::int as n from committee_decisions where firm_id = $1',
      [firm],
    );
    expect(n).toBe(1);
    expect(await growth.statusOf(store, [firm])).toEqual(['DEFERRED']);
  });

  it('a selection opens a plan: the nominating agency leads, the firm’s other agencies join', async () => {
    const firm = await firmWithout('true');
    const [{ org }] = await store.query<{ org: string }>(
      'select min(organization_id) as org from firm_clients where firm_id = $1',
      [firm],
    );
    await growth.nominate(store, {
      firmId: firm,
      organizationId: org,
      rationale: '販路開拓の相談が続く',
      by: 'staff',
      at: AT,
      meetingMonth: '2026-11',
    });
    expect(await growth.statusOf(store, [firm])).toEqual(['NOMINATED']);
    await growth.decide(store, {
      firmId: firm,
      meetingMonth: '2026-11',
      decision: 'SELECTED',
      reason: '計画が具体的',
      by: 'coord',
      at: AT,
      plan: { goals: ['売上20%増'] },
    });
    const [[plan]] = await growth.plansOf(store, [firm]);
    const clients = (
      await store.query<{ org: string }>(
        'select organization_id as org from firm_clients where firm_id = $1 order by 1',
        [firm],
      )
    ).map((r) => r.org);
    expect(plan).toMatchObject({ id: `${firm}@2026-11`, status: 'ACTIVE', leadAgency: org, goals: ['売上20%増'] });
    expect(plan.participatingAgencies.sort()).toEqual(clients.filter((c) => c !== org));
    expect(await growth.statusOf(store, [firm])).toEqual(['ACTIVE']);
    // A firm supported now cannot be selected again.
    await expect(
      growth.decide(store, {
        firmId: firm,
        meetingMonth: '2026-10',
        decision: 'SELECTED',
        reason: 'again',
        by: 'c',
        at: AT,
      }),
    ).rejects.toThrow(/already selected/);
  });

  it('a selection without a nomination needs a lead agency', async () => {
    const firm = await firmWithout('true');
    await expect(
      growth.decide(store, {
        firmId: firm,
        meetingMonth: '2026-11',
        decision: 'SELECTED',
        reason: 'ok',
        by: 'c',
        at: AT,
      }),
    ).rejects.toThrow(/lead agency/);
    const [{ n }] = await store.query<{ n: number }>(
      'select count(*)::int as n from committee_decisions where firm_id = $1',
      [firm],
    );
    expect(n).toBe(0);
  });
});

describe('nominations', () => {
  it('sent twice by the same agency for the same meeting record one', async () => {
    const firm = await firmWithout('true');
    const n = {
      firmId: firm,
      organizationId: 'hyogo-iac',
      rationale: '新事業の計画',
      by: 's',
      at: AT,
      meetingMonth: '2026-12',
    };
    const a = await growth.nominate(store, n);
    const b = await growth.nominate(store, { ...n, rationale: 'retry with other words' });
    expect(a.created).toBe(true);
    expect(b).toEqual({ nomination: a.nomination, created: false });
    // Another agency's nomination of the same firm is its own.
    const c = await growth.nominate(store, { ...n, organizationId: 'hyogo-cgc' });
    expect(c.created).toBe(true);
    expect((await growth.nominationsOf(store, [firm]))[0]).toHaveLength(2);
  });

  it('are capped per agency and meeting, so no one floods an agenda', async () => {
    const firmsOf = (
      await store.query<{ id: string }>(
        `select firm_id as id from firm_signals s where not exists (select 1 from support_plan_events e where e.firm_id = s.firm_id)
         and not exists (select 1 from nominations n where n.firm_id = s.firm_id) order by firm_id desc limit $1`,
        [growth.MAX_NOMINATIONS_PER_MEETING + 1],
      )
    ).map((r) => r.id);
    const nominate = (firmId: string) =>
      growth.nominate(store, {
        firmId,
        organizationId: 'hyogo-koyo',
        rationale: 'x',
        by: 's',
        at: AT,
        meetingMonth: '2027-01',
      });
    for (const id of firmsOf.slice(0, -1)) await nominate(id);
    await expect(nominate(firmsOf.at(-1)!)).rejects.toThrow(/at most 30 nominations/);
    // A retry of one already in is still answered, and other agencies are not affected.
    expect((await nominate(firmsOf[0])).created).toBe(false);
    const other = await growth.nominate(store, {
      firmId: firmsOf.at(-1)!,
      organizationId: 'hyogo-cgc',
      rationale: 'x',
      by: 's',
      at: AT,
      meetingMonth: '2027-01',
    });
    expect(other.created).toBe(true);
  });
});

describe('support plans', () => {
  it('change by dated events; an unchanged update adds none and an ended plan does not restart', async () => {
    const [{ planId }] = await store.query<{ planId: string }>(
      `select plan_id as "planId" from support_plan_events group by plan_id having bool_and(status = 'ACTIVE') order by 1 limit 1`,
    );
    const before = (await growth.planById(store, planId))!;
    const same = await growth.updatePlan(store, { planId, goals: before.goals, by: 'c', at: AT });
    expect(same.changed).toBe(false);
    expect(same.plan.history).toHaveLength(before.history.length);
    const graduated = await growth.updatePlan(store, {
      planId,
      status: 'GRADUATED',
      note: '目標達成',
      by: 'c',
      at: AT,
    });
    expect(graduated.changed).toBe(true);
    expect(graduated.plan.status).toBe('GRADUATED');
    expect(graduated.plan.history.at(-1)).toMatchObject({ status: 'GRADUATED', note: '目標達成', recordedBy: 'c' });
    await expect(growth.updatePlan(store, { planId, status: 'ACTIVE', by: 'c', at: AT })).rejects.toThrow(/has ended/);
    expect(await growth.statusOf(store, [before.firmId])).toEqual(['GRADUATED']);
  });
});

describe('a re-sync of the minutes', () => {
  it('rebuilds what the minutes gave and keeps what was recorded through the graph', async () => {
    const [source] = await store.query<{ id: string }>(`select id from sources where entity = 'committee'`);
    const live = await store.query(
      'select firm_id, meeting_month, decision from committee_decisions where source_id is null order by 1, 2',
    );
    const livePlans = await store.query(
      'select plan_id, status from support_plan_events where source_id is null order by 1, 2',
    );
    expect(live.length).toBeGreaterThan(0);
    const minutes = await store.query<CommitteeMinuteRecord>(
      `select id, local_id as "localId", meeting_on::text as "meetingOn", corporate_number as "corporateNumber", firm_id as "firmId", company_name as "companyName",
              municipality_code as "municipalityCode", industry, nominated_by as "nominatedBy", rationale, outcome, reason, decided_by as "decidedBy",
              lead_agency as "leadAgency", participating_agencies as "participatingAgencies", goals, source_id as "sourceId", agency_id as "agencyId",
              source_kind as "sourceKind", source_location as "sourceLocation", fetched_at::text as "fetchedAt", content_hash as "contentHash", source_row as "sourceRow"
       from committee_minutes where source_id = $1 order by source_row`,
      [source.id],
    );
    // The lead agency drops its last meeting from the sheet.
    const lastMonth = minutes.at(-1)!.meetingOn.slice(0, 7);
    const kept = minutes.filter((m) => !m.meetingOn.startsWith(lastMonth));
    await replaceSource(store, {
      sourceId: source.id,
      entity: 'committee',
      records: kept,
      rejections: [],
      contentHash: 'changed',
      etag: null,
      lastModified: null,
      at: AT,
    });
    const [{ n }] = await store.query<{ n: number }>(
      'select count(*)::int as n from committee_decisions where source_id = $1 and meeting_month = $2',
      [source.id, lastMonth],
    );
    expect(n).toBe(0);
    expect(
      await store.query(
        'select firm_id, meeting_month, decision from committee_decisions where source_id is null order by 1, 2',
      ),
    ).toEqual(live);
    expect(
      await store.query('select plan_id, status from support_plan_events where source_id is null order by 1, 2'),
    ).toEqual(livePlans);
    await replaceSource(store, {
      sourceId: source.id,
      entity: 'committee',
      records: minutes,
      rejections: [],
      contentHash: 'back',
      etag: null,
      lastModified: null,
      at: AT,
    });
    const [{ back }] = await store.query<{ back: number }>(
      'select count(*)::int as back from committee_decisions where source_id = $1 and meeting_month = $2',
      [source.id, lastMonth],
    );
    expect(back).toBeGreaterThan(0);
  });
});
