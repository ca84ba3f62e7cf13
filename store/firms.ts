/**
 * Firms as the network identifies them. A firm with a 法人番号 is that number. A sole proprietor
 * (個人事業主) has none: each agency's record of it — organization, name without spaces,
 * municipality — is a firm of its own ("L-…") until a coordinator, shown the evidence (names,
 * municipality, phone numbers, addresses), confirms that several agencies' records are one firm;
 * the network then assigns it an id ("N-000001") and links the records to it. Who may see which
 * firm is decided here too: coordinators every firm, staff their agency's clients and the firms
 * whose support plan their agency leads or takes part in.
 */
import { createHash } from 'node:crypto';
import type { Viewer } from '../domain/viewer';
import { phoneDigits } from '../domain/normalize';
import type { Queryable, Store } from './engine/store';
import { raw, type Sql, sql } from './sql';

export type FirmKind = 'CORPORATE' | 'NETWORK' | 'LOCAL';

/** A sole proprietor's record is matched on its name without spaces (names are NFKC-normalized at ingest). */
export const nameKeySql = (c: string): string => `replace(${c}.company_name, ' ', '')`;

/** The id of one agency's record of a firm without 法人番号: stable as long as name and municipality are. */
const localFirmIdSql = (c: string): string =>
  `'L-' || ${c}.organization_id || '-' || left(md5(${nameKeySql(c)} || '|' || coalesce(${c}.municipality_code, '')), 12)`;

/** Joins a consultation `c` to the network firm its record was linked to, as `l`. */
export const firmLinkJoin = (c: string, l: string): string =>
  `left join firm_links ${l} on ${c}.corporate_number is null and ${l}.organization_id = ${c}.organization_id
     and ${l}.name_key = ${nameKeySql(c)} and ${l}.municipality_code = coalesce(${c}.municipality_code, '')`;

/** The firm id of a consultation `c` joined to its link `l` (null without name and 法人番号). */
export const firmIdSql = (c: string, l: string): string =>
  `coalesce(${c}.corporate_number, ${l}.firm_id, ${localFirmIdSql(c)})`;

/** The same local id in TypeScript, for records a caller names by their parts. */
export function localFirmId(organizationId: string, nameKey: string, municipalityCode: string | null): string {
  return `L-${organizationId}-${createHash('md5')
    .update(`${nameKey}|${municipalityCode ?? ''}`)
    .digest('hex')
    .slice(0, 12)}`;
}

export function firmKindOf(id: string): FirmKind {
  if (/^\d{13}$/.test(id)) return 'CORPORATE';
  return id.startsWith('N-') ? 'NETWORK' : 'LOCAL';
}

/** A firm as the network knows it, from its latest records. */
export interface FirmRecord {
  id: string;
  kind: FirmKind;
  corporateNumber: string | null;
  name: string | null;
  municipalityCode: string | null;
  industry: string | null;
  employees: number | null;
}

const FIRM_COLUMNS = `firm_id as id, kind, corporate_number as "corporateNumber", name, municipality_code as "municipalityCode", industry, employees`;

/**
 * The firms with these ids, in the order asked (null for unknown ids): from the refreshed
 * signals, else — firms with no consultations yet — from committee minutes or the network's list.
 */
export async function byIds(db: Queryable, ids: readonly string[]): Promise<Array<FirmRecord | null>> {
  const rows = await db.query<FirmRecord>(`select ${FIRM_COLUMNS} from firm_signals where firm_id = any($1::text[])`, [
    ids,
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) {
    const others = await db.query<FirmRecord>(
      `select distinct on (coalesce(m.corporate_number, m.firm_id)) coalesce(m.corporate_number, m.firm_id) as id,
              case when m.corporate_number is null then 'NETWORK' else 'CORPORATE' end as kind,
              m.corporate_number as "corporateNumber", m.company_name as name, m.municipality_code as "municipalityCode", m.industry, null::int as employees
       from committee_minutes m where m.corporate_number = any($1::text[]) or m.firm_id = any($1::text[])
       order by coalesce(m.corporate_number, m.firm_id), m.meeting_on desc`,
      [missing],
    );
    for (const r of others) byId.set(r.id, r);
    const network = await db.query<FirmRecord>(
      `select f.id, 'NETWORK' as kind, null as "corporateNumber", f.name, f.municipality_code as "municipalityCode", null as industry, null::int as employees
       from firms f where f.id = any($1::text[])`,
      [missing.filter((id) => !byId.has(id))],
    );
    for (const r of network) byId.set(r.id, r);
  }
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * Of these firm ids, those the viewer may see: coordinators all; staff the firms their agency
 * may see a consultation of (its own, referred to it) or whose support plan it leads or joins.
 */
export async function visibleIds(db: Queryable, viewer: Viewer, ids: readonly string[]): Promise<Set<string>> {
  if (viewer.role === 'coordinator') return new Set(ids);
  if (viewer.role !== 'staff' || !viewer.agencyId || ids.length === 0) return new Set();
  const rows = await db.query<{ id: string }>(
    `select firm_id as id from firm_clients where organization_id = $2 and firm_id = any($1::text[])
     union
     select firm_id from support_plan_events where firm_id = any($1::text[]) and (lead_agency = $2 or $2 = any(participating_agencies))`,
    [ids, viewer.agencyId],
  );
  return new Set(rows.map((r) => r.id));
}

/** A SQL condition on a firm id expression limiting firms to what a staff member's agency may see. */
export function staffFirmCondition(firmId: Sql, agencyId: string | null): Sql {
  return sql`(exists (select 1 from firm_clients fc where fc.firm_id = ${firmId} and fc.organization_id = ${agencyId})
           or exists (select 1 from support_plan_events pe where pe.firm_id = ${firmId} and (pe.lead_agency = ${agencyId} or ${agencyId} = any(pe.participating_agencies))))`;
}

/** One agency's record of a sole proprietor. */
export interface LocalRecord {
  organizationId: string;
  nameKey: string;
  municipalityCode: string;
}

/** The agency records a firm id stands for: one for a local firm, every linked one for a network firm. */
export async function recordsOf(db: Queryable, firmId: string): Promise<LocalRecord[]> {
  if (firmKindOf(firmId) === 'NETWORK') {
    return db.query<LocalRecord>(
      `select organization_id as "organizationId", name_key as "nameKey", municipality_code as "municipalityCode" from firm_links where firm_id = $1 order by 1`,
      [firmId],
    );
  }
  return db.query<LocalRecord>(
    `select organization_id as "organizationId", name_key as "nameKey", coalesce(municipality_code, '') as "municipalityCode"
     from firm_signals where firm_id = $1 and kind = 'LOCAL'`,
    [firmId],
  );
}

/** An agency record id, whether it still stands alone or was linked to a network firm (and which). */
async function localRecordOf(
  db: Queryable,
  localId: string,
): Promise<{ record: LocalRecord; linkedTo: string | null } | null> {
  const [linked] = await db.query<LocalRecord & { firmId: string }>(
    `select organization_id as "organizationId", name_key as "nameKey", municipality_code as "municipalityCode", firm_id as "firmId" from firm_links where local_id = $1`,
    [localId],
  );
  if (linked) {
    const { firmId, ...record } = linked;
    return { record, linkedTo: firmId };
  }
  const [alone] = await recordsOf(db, localId);
  return alone ? { record: alone, linkedTo: null } : null;
}

/**
 * A SQL condition on consultations `c` selecting one firm's records. Uses the 法人番号 index, or
 * the index on (organization, name) of sole proprietors.
 */
export async function firmCondition(db: Queryable, firmId: string): Promise<Sql> {
  if (firmKindOf(firmId) === 'CORPORATE') return sql`c.corporate_number = ${firmId}`;
  const records = await recordsOf(db, firmId);
  if (records.length === 0) return raw('false');
  return soleProprietorsCondition(records);
}

/** Consultations `c` of these sole proprietors' records (no 法人番号; agency, name and municipality). */
export function soleProprietorsCondition(records: readonly LocalRecord[]): Sql {
  return sql`c.corporate_number is null and (c.organization_id, ${raw(nameKeySql('c'))}, coalesce(c.municipality_code, '')) in
            (select * from unnest(${records.map((r) => r.organizationId)}::text[], ${records.map((r) => r.nameKey)}::text[], ${records.map((r) => r.municipalityCode)}::text[]))`;
}

// ---------------------------------------------------------------------------------------------
// Match proposals: the same name in the same municipality recorded by more than one agency
// ---------------------------------------------------------------------------------------------

export interface MatchCandidate {
  firmId: string;
  kind: FirmKind;
  organizationIds: string[];
  name: string | null;
  municipalityCode: string | null;
  phones: string[];
  addresses: string[];
  consultations: number;
  industry: string | null;
  employees: number | null;
}

export type MatchLevel = 'PHONE_MATCHES' | 'ADDRESS_MATCHES' | 'NAME_ONLY' | 'CONFLICTING';

export interface MatchProposal {
  /** Stable for the same set of members: what a rejection is remembered by. */
  key: string;
  nameKey: string;
  municipalityCode: string;
  members: MatchCandidate[];
  level: MatchLevel;
  evidence: string[];
}

export function proposalKey(memberIds: readonly string[]): string {
  return createHash('sha256')
    .update([...memberIds].sort().join('\n'))
    .digest('hex')
    .slice(0, 24);
}

/** Judges a group of records: matching phones are strong evidence, different ones a warning. */
export function judgeMatch(members: readonly MatchCandidate[]): { level: MatchLevel; evidence: string[] } {
  const evidence = [
    `same name after normalization in the same municipality, recorded by ${new Set(members.flatMap((m) => m.organizationIds)).size} agencies`,
  ];
  const phoneSets = members.map((m) => new Set(m.phones.map(phoneDigits)));
  const withPhone = phoneSets.filter((s) => s.size > 0);
  const shared = withPhone.length >= 2 && [...withPhone[0]].some((p) => withPhone.every((s) => s.has(p)));
  const addressSets = members.map((m) => new Set(m.addresses.map((a) => a.replace(/\s/g, ''))));
  const withAddress = addressSets.filter((s) => s.size > 0);
  const sameAddress = withAddress.length >= 2 && [...withAddress[0]].some((a) => withAddress.every((s) => s.has(a)));
  if (shared) evidence.push('every record with a phone number shares one');
  else if (withPhone.length >= 2) evidence.push('the records give different phone numbers');
  else evidence.push('too few records give a phone number to compare');
  if (sameAddress) evidence.push('every record with an address shares one');
  else if (withAddress.length >= 2) evidence.push('the records give different addresses');
  const industries = new Set(members.map((m) => m.industry).filter(Boolean));
  if (industries.size > 1) evidence.push(`different industries recorded: ${[...industries].join(', ')}`);
  const level: MatchLevel =
    withPhone.length >= 2 && !shared
      ? 'CONFLICTING'
      : shared
        ? 'PHONE_MATCHES'
        : sameAddress
          ? 'ADDRESS_MATCHES'
          : withAddress.length >= 2
            ? 'CONFLICTING'
            : 'NAME_ONLY';
  return { level, evidence };
}

/**
 * Groups of firms without 法人番号 sharing name and municipality across agencies, not yet linked
 * into one and not rejected as different firms, with the evidence a coordinator needs.
 */
export async function matchProposals(db: Queryable, limit: number): Promise<MatchProposal[]> {
  const groups = await db.query<{ nameKey: string; municipalityCode: string; ids: string[] }>(
    `select name_key as "nameKey", coalesce(municipality_code, '') as "municipalityCode", array_agg(firm_id order by firm_id) as ids
     from (select s.firm_id, s.name_key, s.municipality_code from firm_signals s where s.kind = 'LOCAL'
           union all
           select distinct l.firm_id, l.name_key, nullif(l.municipality_code, '') from firm_links l) g
     group by 1, 2 having count(*) > 1
     order by 1, 2`,
  );
  const rejected = new Set(
    (await db.query<{ members: string }>('select members from firm_match_rejections')).map((r) => r.members),
  );
  const open = groups.filter((g) => !rejected.has(proposalKey(g.ids))).slice(0, limit);
  if (open.length === 0) return [];
  const candidates = await candidatesOf(
    db,
    open.flatMap((g) => g.ids),
  );
  return open.map((g) => {
    const members = g.ids.map((id) => candidates.get(id)!).filter(Boolean);
    return {
      key: proposalKey(g.ids),
      nameKey: g.nameKey,
      municipalityCode: g.municipalityCode,
      members,
      ...judgeMatch(members),
    };
  });
}

/** The evidence for each firm: agencies, names, phones and addresses its records carry. */
async function candidatesOf(db: Queryable, firmIds: string[]): Promise<Map<string, MatchCandidate>> {
  const out = new Map<string, MatchCandidate>();
  for (const id of firmIds) {
    const q = sql`select array_agg(distinct c.organization_id) as "organizationIds", max(c.company_name) as name, max(c.municipality_code) as "municipalityCode",
              coalesce(array_agg(distinct c.phone) filter (where c.phone is not null), '{}') as phones,
              coalesce(array_agg(distinct c.address) filter (where c.address is not null), '{}') as addresses,
              count(*)::int as consultations, max(c.industry) as industry, max(c.employees) as employees
       from consultations c where ${await firmCondition(db, id)}`;
    const [row] = await db.query<Omit<MatchCandidate, 'firmId' | 'kind'>>(q.text, q.values);
    out.set(id, { firmId: id, kind: firmKindOf(id), ...row, organizationIds: row.organizationIds ?? [] });
  }
  return out;
}

export class FirmMatchError extends Error {}

/**
 * Confirms that these firms are one: a network firm among them absorbs the others, else the
 * network assigns a new id. Every member must share name and municipality. Confirming what is
 * already one firm (a retry naming the agency records it replaced, say) returns it unchanged.
 */
export async function confirmMatch(
  store: Store,
  memberIds: readonly string[],
  by: string,
  at: string,
): Promise<{ firmId: string; changed: LocalRecord[] }> {
  const ids = [...new Set(memberIds)];
  if (ids.length < 2) throw new FirmMatchError('a match needs at least two firms');
  if (ids.some((id) => firmKindOf(id) === 'CORPORATE'))
    throw new FirmMatchError('a firm with a 法人番号 is identified by it and needs no match');
  return store.transaction(async (tx) => {
    const members = await Promise.all(
      ids.map(async (id) => {
        if (firmKindOf(id) === 'NETWORK')
          return { id, network: id, records: await recordsOf(tx, id), fresh: [] as LocalRecord[] };
        const local = await localRecordOf(tx, id);
        return {
          id,
          network: local?.linkedTo ?? null,
          records: local ? [local.record] : [],
          fresh: local && !local.linkedTo ? [local.record] : [],
        };
      }),
    );
    const unknown = members.filter((m) => m.records.length === 0).map((m) => m.id);
    if (unknown.length) throw new FirmMatchError(`unknown firms: ${unknown.join(', ')}`);
    const all = members.flatMap((m) => m.records);
    const keys = new Set(all.map((r) => `${r.nameKey}|${r.municipalityCode}`));
    if (keys.size > 1)
      throw new FirmMatchError(
        'the firms do not share name and municipality; only records proposed as a match can be confirmed',
      );
    const networks = [...new Set(members.map((m) => m.network).filter((n): n is string => n !== null))];
    if (networks.length > 1) throw new FirmMatchError(`${networks.join(' and ')} are already two network firms`);
    // Only agency records not linked yet are linked now.
    const changed = members.flatMap((m) => m.fresh);
    let firmId = networks[0];
    if (!firmId) {
      const [{ n }] = await tx.query<{ n: string }>(`select nextval('firm_serial')::text as n`);
      firmId = `N-${n.padStart(6, '0')}`;
      const [first] = await tx.query<{ name: string | null }>(
        `select max(company_name) as name from consultations c where c.corporate_number is null and c.organization_id = $1 and ${nameKeySql('c')} = $2`,
        [all[0].organizationId, all[0].nameKey],
      );
      await tx.query(
        'insert into firms (id, name, municipality_code, assigned_by, assigned_at) values ($1, $2, $3, $4, $5)',
        [firmId, first?.name ?? all[0].nameKey, all[0].municipalityCode || null, by, at],
      );
    }
    for (const m of members) {
      for (const r of m.fresh) {
        await tx.query(
          `insert into firm_links (organization_id, name_key, municipality_code, firm_id, confirmed_by, confirmed_at, local_id) values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (organization_id, name_key, municipality_code) do nothing`,
          [r.organizationId, r.nameKey, r.municipalityCode, firmId, by, at, m.id],
        );
      }
    }
    return { firmId, changed };
  });
}

/** Remembers that these firms are not one, so they are not proposed again (idempotent). */
export async function rejectMatch(
  db: Queryable,
  memberIds: readonly string[],
  by: string,
  at: string,
  reason: string,
): Promise<string> {
  const key = proposalKey([...new Set(memberIds)]);
  await db.query(
    `insert into firm_match_rejections (members, rejected_by, rejected_at, reason) values ($1, $2, $3, $4) on conflict (members) do nothing`,
    [key, by, at, reason],
  );
  return key;
}

/** Whether a firm id names a firm the network knows (records, minutes or its own list). */
export async function exists(db: Queryable, id: string): Promise<boolean> {
  const [row] = await byIds(db, [id]);
  return row !== null;
}
