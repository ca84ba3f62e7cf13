/**
 * The one ingest pipeline's CPU part, between the read (I/O, in the sync engine) and the write
 * (the store's replaceSource): parse a spreadsheet's bytes, leave out the rows `where:` filters,
 * map and validate every row, give each record its agency-scoped id and provenance, refuse repeated
 * ids, and render what the store writes. A sync runs it in place or on the parse worker; the dry
 * run (`agency:check`) runs it exactly so, and only skips the write. Pure CPU without I/O, so the
 * worker loads this, the spreadsheet reader and the field mapping, nothing else.
 */
import type { AgencyConfig, SourceConfig } from '../core/config';
import { ID_FIELD } from '../core/fields';
import { compileRowFilter, toRule } from '../core/mapping';
import { mapRecord } from '../core/record';
import { AdapterError, type RawRecord } from '../core/adapter';
import { parseSpreadsheet } from '../spreadsheet';
import { notARecord, type SkippedRow } from './not-records';
import { dropDuplicateIds, encodeSnapshot, type EncodedRecords } from '../../store/ingest';
import {
  agencyScope,
  type EntityRecord,
  type Provenance,
  type RowRejection,
  type RowWarning,
} from '../../domain/records';

export interface PrepareJob {
  agency: AgencyConfig;
  source: SourceConfig;
  /** What the read gave: a spreadsheet's bytes, parsed here, or the records a website or API source extracted. */
  input: { body: Uint8Array } | { records: RawRecord[]; rejections: RowRejection[] };
  provenance: Omit<Provenance, 'sourceRow'>;
  /** How many mapped records to return as they would land (a dry run shows them). */
  sample?: number;
  /** The store's secret for consultations' record keys (store/recordKeys.ts); unused for other entities. */
  recordKeySecret?: string;
}

/** The same warning on many rows, counted once: the field, what happened, and where. */
export interface WarningGroup {
  field: string;
  message: string;
  count: number;
  /** The first rows it happened on. */
  rows: number[];
  /** The first distinct values it happened to. */
  values: string[];
}

/** What a source's rows came to, counted by row. */
export interface IngestSummary {
  /** Rows read (blank rows aside): accepted + refused + filtered + skipped. */
  read: number;
  /** Rows `where:` left out. */
  filtered: number;
  /** Rows that are not records (a total, a source line, a note, the labels repeated), each with why. */
  skipped: SkippedRow[];
  /** Records to store, each id once. */
  accepted: number;
  /** Refused rows, one entry per row: its first problem, further ones in `reasons`. */
  rejected: RowRejection[];
  warnings: WarningGroup[];
}

export type PrepareResult =
  | { ok: true; encoded: EncodedRecords; summary: IngestSummary; sample: EntityRecord[] }
  | { ok: false; message: string; code: AdapterError['code']; summary?: IngestSummary };

const WARNING_ROWS = 5;
const WARNING_VALUES = 3;

/** Counts warnings by field and message as they come, keeping a few rows and values of each. */
export function createWarningGroups(): { add(w: RowWarning): void; list(): WarningGroup[] } {
  const groups = new Map<string, WarningGroup>();
  return {
    add(w) {
      const key = `${w.field}\u0000${w.message}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { field: w.field, message: w.message, count: 0, rows: [], values: [] }));
      g.count += 1;
      if (g.rows.length < WARNING_ROWS) g.rows.push(w.row);
      if (g.values.length < WARNING_VALUES && !g.values.includes(w.value))
        g.values.push(w.value.length > 80 ? `${w.value.slice(0, 80)}…` : w.value);
    },
    list: () => [...groups.values()].sort((a, b) => b.count - a.count),
  };
}

/**
 * One line per kind of refusal: the field and the reason with its quoted values and numbers
 * elided (so 「row 12's」 and 「row 40's」 count as one kind), how many rows, and the first of them.
 */
export function topReasons(
  rejected: readonly RowRejection[],
  limit = 5,
): Array<{ field: string | null; reason: string; count: number; example: RowRejection }> {
  const counts = new Map<string, { field: string | null; reason: string; count: number; example: RowRejection }>();
  for (const r of rejected) {
    const reason = r.reason.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, '…');
    const key = `${r.field ?? ''}\u0000${reason}`;
    const c = counts.get(key);
    if (c) c.count += 1;
    else counts.set(key, { field: r.field, reason, count: 1, example: r });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count).slice(0, limit);
}

/** A refused row on one line, as the CLI, the sync log and the graph's lastError show it. */
export function describeRejection(r: RowRejection): string {
  const value =
    r.value === null || r.value === ''
      ? ''
      : ` ${JSON.stringify(r.value.length > 60 ? `${r.value.slice(0, 60)}…` : r.value)}`;
  const more = r.reasons?.length ? ` (+${r.reasons.length} more)` : '';
  return `row ${r.row}${r.field ? ` ${r.field}` : ''}${value}: ${r.reason}${more}`;
}

/** Why a source landed nothing: how many rows, the top reasons with counts, three sample rows. */
export function everyRowRefused(rejected: readonly RowRejection[], read: number): string {
  const reasons = topReasons(rejected, 3).map((t) => `${t.count} × ${t.field ? `${t.field}: ` : ''}${t.reason}`);
  const samples = [...rejected]
    .sort((a, b) => a.row - b.row)
    .slice(0, 3)
    .map(describeRejection);
  return `every one of ${read} rows was refused; keeping the last good data. Top reasons: ${reasons.join('; ')}. For example: ${samples.join('; ')}`;
}

// The columns a derived id is made of, for the clash report; null when the id is a column's own value.
function derivedFrom(source: SourceConfig): string[] | null {
  const entry = source.mapping[ID_FIELD[source.entity]];
  if (entry === undefined) return null;
  const rule = toRule(entry);
  if (rule.hash) return rule.hash;
  if (rule.from !== undefined) return [rule.from];
  if (rule.template !== undefined) return [...rule.template.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]);
  return null;
}

/** Maps, validates, de-duplicates and renders one read of a source: the whole CPU part of a sync. */
export async function prepareSource(job: PrepareJob): Promise<PrepareResult> {
  try {
    return await prepare(job);
  } catch (e) {
    return e instanceof AdapterError
      ? { ok: false, message: e.message, code: e.code }
      : { ok: false, message: (e as Error).message, code: 'MALFORMED' };
  }
}

async function prepare(job: PrepareJob): Promise<PrepareResult> {
  const { agency, source, provenance } = job;
  const raw =
    'body' in job.input
      ? await parseSpreadsheet(
          source as Extract<SourceConfig, { kind: 'spreadsheet' }>,
          Buffer.from(job.input.body.buffer, job.input.body.byteOffset, job.input.body.byteLength),
        )
      : job.input;
  const keep = compileRowFilter(source.where);
  const warnings = createWarningGroups();
  const rejected: RowRejection[] = [...raw.rejections];
  const records: EntityRecord[] = [];
  const scope = agencyScope(agency.id);
  let filtered = 0;
  const skipped: SkippedRow[] = [];
  for (const r of raw.records) {
    if (keep && !keep(r.cells)) {
      filtered += 1;
      continue;
    }
    const notRecord = notARecord(r.cells, Object.keys(r.cells));
    if (notRecord) {
      skipped.push({ row: r.row, reason: notRecord });
      continue;
    }
    const mapped = mapRecord(source.entity, source.mapping, r.cells, r.row, agency.id);
    if (mapped.warnings) for (const w of mapped.warnings) warnings.add(w);
    if (!mapped.ok) {
      rejected.push(mapped.rejection);
      continue;
    }
    // The mapped object is fresh: completing it in place spares a copy per row.
    const f: Record<string, unknown> = mapped.fields;
    f.id = source.entity === 'organization' ? (f.id as string) : scope + (f.localId as string);
    f.sourceId = provenance.sourceId;
    f.agencyId = provenance.agencyId;
    f.sourceKind = provenance.sourceKind;
    f.sourceLocation = provenance.sourceLocation;
    f.fetchedAt = provenance.fetchedAt;
    f.contentHash = provenance.contentHash;
    f.sourceRow = r.row;
    records.push(f as unknown as EntityRecord);
  }
  // The one check for repeated ids: a derived id that repeats says which columns the rows share.
  const parts = derivedFrom(source);
  const { accepted, duplicates } = dropDuplicateIds(records, (rec, first) => ({
    row: rec.sourceRow ?? 0,
    field: 'id',
    value: rec.id,
    reason: parts
      ? `derived id repeats row ${first}'s: both rows have the same ${parts.join(' + ')}; add a column that tells them apart to the id rule`
      : `duplicate id (first at row ${first})`,
  }));
  rejected.push(...duplicates);
  rejected.sort((a, b) => a.row - b.row);
  const read = raw.records.length + raw.rejections.length;
  const summary: IngestSummary = {
    read,
    filtered,
    skipped,
    accepted: accepted.length,
    rejected,
    warnings: warnings.list(),
  };
  // A read that lands nothing never replaces the last good data with nothing.
  if (accepted.length === 0) {
    if (rejected.length > 0)
      return { ok: false, message: everyRowRefused(rejected, rejected.length), code: 'MAPPING', summary };
    if (skipped.length > 0)
      return {
        ok: false,
        message: `no row left is a record (${skipped.length} skipped, e.g. row ${skipped[0].row}: ${skipped[0].reason}); keeping the last good data`,
        code: 'MAPPING',
        summary,
      };
    if (read > 0)
      return {
        ok: false,
        message: `the row filter (where:) left out all ${read} rows; keeping the last good data`,
        code: 'MAPPING',
        summary,
      };
    return {
      ok: false,
      message: 'the source yielded no records; keeping the last good data',
      code: 'MALFORMED',
      summary,
    };
  }
  return {
    ok: true,
    encoded: encodeSnapshot(source.entity, provenance.sourceId, accepted, job.recordKeySecret),
    summary,
    sample: accepted.slice(0, job.sample ?? 0),
  };
}
