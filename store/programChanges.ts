/**
 * Programme changes as the source snapshots show them: the write of a programme snapshot compares
 * its rows with what the source's previous snapshot held (program_states) and logs each programme
 * added, changed or removed, stamped with the snapshot's time, in the same transaction (so a
 * rolled-back snapshot logs nothing and readers see rows and changes together). Feeds and
 * webhooks read this log; its ids only grow, so a reader resumes after the last id it handled.
 */
import type { Queryable } from './store';

/** What a programme looked like in a snapshot: the fields alerts show and match on. */
export interface ProgramState {
  title: string;
  summary: string | null;
  kind: string;
  providerId: string;
  supportFields: string[];
  purposes: string[];
  areaCodes: string[];
  industries: string[];
  employeeCeiling: number | null;
  maxAmount: number | null;
  maxAmountText: string | null;
  subsidyRate: string | null;
  opensOn: string | null;
  closesOn: string | null;
  url: string | null;
}

export type ChangeKind = 'ADDED' | 'CHANGED' | 'REMOVED';

export interface ProgramChange {
  /** Grows with every change logged (a bigint, read as a number: far below 2^53). */
  id: number;
  programId: string;
  sourceId: string;
  change: ChangeKind;
  /** For CHANGED: the ProgramState keys whose values differ. */
  fields: string[];
  /** The snapshot's time (ISO, Japan offset). */
  at: string;
  before: ProgramState | null;
  after: ProgramState | null;
}

/**
 * A change to one of these is an event for alerts: title, amount and rate, application period,
 * eligibility and kind. Summaries, URLs and contacts are edited often and are not.
 */
export const TRACKED_FIELDS = [
  'title',
  'maxAmount',
  'maxAmountText',
  'subsidyRate',
  'opensOn',
  'closesOn',
  'areaCodes',
  'employeeCeiling',
  'industries',
  'kind',
] as const;

// The same projection migration 90 seeded program_states with (that migration keeps its own copy).
const STATE_SQL = `jsonb_build_object('title', p.title, 'summary', p.summary, 'kind', p.kind, 'providerId', p.provider_id,
    'supportFields', p.support_fields, 'purposes', p.purposes, 'areaCodes', p.area_codes, 'industries', p.industries,
    'employeeCeiling', p.employee_ceiling, 'maxAmount', p.max_amount, 'maxAmountText', p.max_amount_text,
    'subsidyRate', p.subsidy_rate, 'opensOn', p.opens_on, 'closesOn', p.closes_on, 'url', p.url)`;

const differs = (key: string) => `(cur.state -> '${key}') is distinct from (old.state -> '${key}')`;

/**
 * Inside the transaction writing a programme snapshot, after its rows are in: logs what changed
 * against the source's previous snapshot and remembers this one. Costs two statements over the
 * source's own programmes.
 */
export async function recordProgramChanges(tx: Queryable, sourceId: string, at: string): Promise<void> {
  const changedFields = `array_remove(array[${TRACKED_FIELDS.map((f) => `case when ${differs(f)} then '${f}' end`).join(', ')}], null)`;
  await tx.query(
    `with cur as (select p.id, ${STATE_SQL} as state from programs p where p.source_id = $1),
          old as (select program_id, state from program_states where source_id = $1)
     insert into program_changes (program_id, source_id, change, fields, at, before, after)
     select coalesce(cur.id, old.program_id), $1,
            case when old.program_id is null then 'ADDED' when cur.id is null then 'REMOVED' else 'CHANGED' end,
            case when old.program_id is null or cur.id is null then '{}'::text[] else ${changedFields} end,
            $2, old.state, cur.state
     from cur full join old on old.program_id = cur.id
     where old.program_id is null or cur.id is null or ${TRACKED_FIELDS.map(differs).join(' or ')}
     order by 1`,
    [sourceId, at],
  );
  await tx.query('delete from program_states where source_id = $1', [sourceId]);
  await tx.query(
    `insert into program_states (program_id, source_id, state) select p.id, p.source_id, ${STATE_SQL} from programs p where p.source_id = $1
     on conflict (program_id) do update set source_id = excluded.source_id, state = excluded.state`,
    [sourceId],
  );
}

const CHANGE_COLUMNS = `id::float8 as id, program_id as "programId", source_id as "sourceId", change, fields,
  to_char(at at time zone 'Asia/Tokyo', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"') as at, before, after`;

/** Changes logged after `afterId`, oldest first, at most `limit`. */
export function changesAfter(db: Queryable, afterId: number, limit: number): Promise<ProgramChange[]> {
  return db.query<ProgramChange>(`select ${CHANGE_COLUMNS} from program_changes where id > $1 order by id limit $2`, [
    afterId,
    limit,
  ]);
}

/** Changes logged since `since` (ISO), newest first, at most `limit`. */
export function changesSince(db: Queryable, since: string, limit: number): Promise<ProgramChange[]> {
  return db.query<ProgramChange>(
    `select ${CHANGE_COLUMNS} from program_changes where at >= $1 order by at desc, id desc limit $2`,
    [since, limit],
  );
}

/** The time of the latest logged change of each programme (ISO), for those that have one. */
export async function lastChangedAt(db: Queryable, programIds: readonly string[]): Promise<Map<string, string>> {
  if (programIds.length === 0) return new Map();
  const rows = await db.query<{ programId: string; at: string }>(
    `select program_id as "programId", to_char(max(at) at time zone 'Asia/Tokyo', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"') as at
     from program_changes where program_id = any($1::text[]) group by program_id`,
    [programIds],
  );
  return new Map(rows.map((r) => [r.programId, r.at]));
}

/** The newest change id (0 when none): where a new reader starts. */
export async function latestChangeId(db: Queryable): Promise<number> {
  const [row] = await db.query<{ id: number }>('select coalesce(max(id), 0)::float8 as id from program_changes');
  return row.id;
}
