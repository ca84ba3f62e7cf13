/**
 * Read and write API of the consultants' desk: finding a firm by 法人番号, phone or name among
 * the consultations a viewer may see; what consultants did with proposals (marks); notes on
 * consultations. Who may see which consultation is decided by consultations.visibleWhere, as for
 * every other read of consultation rows.
 */
import type { Viewer } from '../domain/viewer';
import type { Queryable } from './store';
import { visibleWhere } from './consultations';
import { firmIdSql, firmLinkJoin } from './firms';
import { raw, type Sql, sql } from './sql';

export interface FirmFound {
  firmId: string;
  name: string | null;
  corporateNumber: string | null;
  municipalityCode: string | null;
  consultations: number;
  matchedBy: 'CORPORATE_NUMBER' | 'NAME' | 'PHONE';
}

const JST = (column: string) => `to_char(${column} at time zone 'Asia/Tokyo', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"')`;

/**
 * Firms whose consultations the viewer may see, matching a 法人番号 (13 digits), a phone number
 * (its digits) or part of a name (spaces aside); most consultations first.
 */
export async function findFirms(
  db: Queryable,
  viewer: Viewer,
  query: { corporateNumber?: string; phoneDigits?: string; name?: string },
  limit: number,
): Promise<FirmFound[]> {
  let match: Sql;
  let matchedBy: FirmFound['matchedBy'];
  if (query.corporateNumber) {
    match = sql`c.corporate_number = ${query.corporateNumber}`;
    matchedBy = 'CORPORATE_NUMBER';
  } else if (query.phoneDigits) {
    match = sql`c.phone is not null and regexp_replace(c.phone, '[^0-9]', '', 'g') = ${query.phoneDigits}`;
    matchedBy = 'PHONE';
  } else if (query.name) {
    match = sql`replace(c.company_name, ' ', '') like ${`%${query.name.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`}`;
    matchedBy = 'NAME';
  } else return [];
  const q = sql`select ${raw(firmIdSql('c', 'l'))} as "firmId", max(c.company_name) as name, max(c.corporate_number) as "corporateNumber",
            max(c.municipality_code) as "municipalityCode", count(*)::int as consultations
     from consultations c ${raw(firmLinkJoin('c', 'l'))}
     where ${match} and ${visibleWhere(viewer)} and (c.corporate_number is not null or c.company_name is not null)
     group by 1 order by count(*) desc, 1 limit ${limit}`;
  const rows = await db.query<Omit<FirmFound, 'matchedBy'>>(q.text, q.values);
  return rows.map((r) => ({ ...r, matchedBy }));
}

export type MarkKind = 'OFFERED' | 'DECLINED' | 'APPLIED';

export interface ProposalMarkRow {
  firmId: string;
  programId: string;
  mark: MarkKind;
  reason: string | null;
  markedBy: string;
  agencyId: string | null;
  markedAt: string;
}

const MARK_COLUMNS = `firm_id as "firmId", program_id as "programId", mark, reason, marked_by as "markedBy",
  agency_id as "agencyId", ${JST('marked_at')} as "markedAt"`;

/** Records a mark; the latest mark of a firm and programme is the one that counts. */
export async function markProposal(
  db: Queryable,
  mark: Omit<ProposalMarkRow, 'markedAt'> & { at: string },
): Promise<ProposalMarkRow> {
  const [row] = await db.query<ProposalMarkRow>(
    `insert into proposal_marks (firm_id, program_id, mark, reason, marked_by, agency_id, marked_at)
     values ($1, $2, $3, $4, $5, $6, $7) returning ${MARK_COLUMNS}`,
    [mark.firmId, mark.programId, mark.mark, mark.reason, mark.markedBy, mark.agencyId, mark.at],
  );
  return row;
}

/** The latest mark of each programme for one firm. */
export async function latestMarks(db: Queryable, firmId: string): Promise<Map<string, ProposalMarkRow>> {
  const rows = await db.query<ProposalMarkRow>(
    `select distinct on (program_id) ${MARK_COLUMNS} from proposal_marks where firm_id = $1
     order by program_id, marked_at desc, id desc`,
    [firmId],
  );
  return new Map(rows.map((r) => [r.programId, r]));
}

export interface NoteRow {
  id: string;
  consultationId: string;
  body: string;
  writtenBy: string;
  agencyId: string | null;
  writtenAt: string;
}

const NOTE_COLUMNS = `id::text as id, consultation_id as "consultationId", body, written_by as "writtenBy",
  agency_id as "agencyId", ${JST('written_at')} as "writtenAt"`;

export async function addNote(
  db: Queryable,
  note: Omit<NoteRow, 'id' | 'writtenAt'> & { at: string },
): Promise<NoteRow> {
  const [row] = await db.query<NoteRow>(
    `insert into consultation_notes (consultation_id, body, written_by, agency_id, written_at)
     values ($1, $2, $3, $4, $5) returning ${NOTE_COLUMNS}`,
    [note.consultationId, note.body, note.writtenBy, note.agencyId, note.at],
  );
  return row;
}

/** The notes of each consultation, oldest first, in the order of the ids asked. */
export async function notesOf(db: Queryable, consultationIds: readonly string[]): Promise<NoteRow[][]> {
  const rows = await db.query<NoteRow>(
    `select ${NOTE_COLUMNS} from consultation_notes where consultation_id = any($1::text[]) order by written_at, id`,
    [consultationIds],
  );
  return consultationIds.map((id) => rows.filter((r) => r.consultationId === id));
}
