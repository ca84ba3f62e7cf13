/**
 * The growth programme's history read from the lead agency's committee minutes (called by the
 * ingest, in the minutes snapshot's transaction): meetings, the nominations and decisions they
 * record, and the support plans' events, marked with the minutes' source and rebuilt with it.
 * What coordinators and staff record through the graph (growth.ts) has no source and is never
 * touched here.
 */
import { raw, type Sql, sql } from './sql';

const MINUTE_FIRM = raw(`coalesce(m.corporate_number, m.firm_id)`);
const MINUTE_MONTH = raw(`to_char(m.meeting_on, 'YYYY-MM')`);
// Minutes give the day; the meeting is held in the afternoon, nominations are in by the morning.
const MINUTE_DECIDED_AT = raw(`(m.meeting_on + time '15:00') at time zone 'Asia/Tokyo'`);
const MINUTE_NOMINATED_AT = raw(`(m.meeting_on + time '09:00') at time zone 'Asia/Tokyo'`);

/**
 * Statements rebuilding what one minutes source contributed: meetings, the nominations and
 * decisions they record, and the support plans' events (selection, graduation, withdrawal).
 * Rows recorded through the graph win over the minutes where both name one thing.
 */
export function committeeHistorySql(sourceId: string): Sql[] {
  return [
    sql`delete from nominations where source_id = ${sourceId}`,
    sql`delete from committee_decisions where source_id = ${sourceId}`,
    sql`delete from support_plan_events where source_id = ${sourceId}`,
    sql`delete from committee_meetings where source_id = ${sourceId}`,
    sql`insert into committee_meetings (month, held_on, source_id)
     select ${MINUTE_MONTH}, min(m.meeting_on), ${sourceId}::text from committee_minutes m where m.source_id = ${sourceId} group by 1
     on conflict (month) do nothing`,
    sql`insert into nominations (firm_id, organization_id, rationale, nominated_by, nominated_at, meeting_month, source_id)
     select ${MINUTE_FIRM}, m.nominated_by, coalesce(m.rationale, ''), 'committee minutes', ${MINUTE_NOMINATED_AT}, ${MINUTE_MONTH}, ${sourceId}::text
     from committee_minutes m
     where m.source_id = ${sourceId} and m.nominated_by is not null and m.outcome in ('SELECTED', 'DEFERRED', 'DECLINED')
     on conflict do nothing`,
    sql`insert into committee_decisions (firm_id, meeting_month, decision, reason, decided_by, decided_at, source_id)
     select ${MINUTE_FIRM}, ${MINUTE_MONTH}, m.outcome, m.reason, coalesce(m.decided_by, '成長企業発掘・育成委員会'), ${MINUTE_DECIDED_AT}, ${sourceId}::text
     from committee_minutes m
     where m.source_id = ${sourceId} and m.outcome in ('SELECTED', 'DEFERRED', 'DECLINED') and m.reason is not null
     on conflict (firm_id, meeting_month) do nothing`,
    sql`insert into support_plan_events (plan_id, firm_id, at, status, lead_agency, participating_agencies, goals, note, recorded_by, source_id)
     select ${MINUTE_FIRM} || '@' || ${MINUTE_MONTH}, ${MINUTE_FIRM}, ${MINUTE_DECIDED_AT}, 'ACTIVE', m.lead_agency, m.participating_agencies, m.goals,
            m.reason, coalesce(m.decided_by, '成長企業発掘・育成委員会'), ${sourceId}::text
     from committee_minutes m
     where m.source_id = ${sourceId} and m.outcome = 'SELECTED' and m.lead_agency is not null
       and exists (select 1 from committee_decisions d where d.firm_id = ${MINUTE_FIRM} and d.meeting_month = ${MINUTE_MONTH} and d.decision = 'SELECTED')`,
    // A graduation or withdrawal ends the firm's plan as it stood at that meeting.
    sql`insert into support_plan_events (plan_id, firm_id, at, status, lead_agency, participating_agencies, goals, note, recorded_by, source_id)
     select p.plan_id, ${MINUTE_FIRM}, ${MINUTE_DECIDED_AT}, m.outcome, p.lead_agency, p.participating_agencies, p.goals, m.reason,
            coalesce(m.decided_by, '成長企業発掘・育成委員会'), ${sourceId}::text
     from committee_minutes m
     cross join lateral (select e.plan_id, e.lead_agency, e.participating_agencies, e.goals from support_plan_events e
                         where e.firm_id = ${MINUTE_FIRM} and e.at < ${MINUTE_DECIDED_AT} order by e.at desc, e.id desc limit 1) p
     where m.source_id = ${sourceId} and m.outcome in ('GRADUATED', 'WITHDRAWN')`,
  ];
}
