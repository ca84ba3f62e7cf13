/**
 * Versioned schema migrations. Each runs once and is recorded in schema_migrations. Plain
 * PostgreSQL SQL only, so the same list serves PGlite and a server. Several processes may start
 * at once on one server: the pending migrations run in one transaction holding an advisory lock,
 * so one process applies them and the others wait, then find nothing left to do.
 */
import type { Store } from './store';
import { rollupRebuildSql } from './rollups';
import { recordKeySql } from '../domain/disclosure';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

const provenanceColumns = `
  source_id text not null,
  agency_id text not null,
  source_kind text not null,
  source_location text not null,
  fetched_at timestamptz not null,
  content_hash text not null,
  source_row integer`;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'sources, directory, programmes and consultations',
    sql: `
create table sources (
  id text primary key,
  agency_id text not null,
  name text not null,
  kind text not null,
  entity text not null,
  location text not null,
  status text not null default 'NEVER_SYNCED',
  stale boolean not null default false,
  last_attempt_at timestamptz,
  last_success_at timestamptz,
  last_changed_at timestamptz,
  last_error text,
  content_hash text,
  etag text,
  last_modified text,
  accepted_count integer not null default 0,
  rejected_count integer not null default 0
);

create table ingest_rejections (
  source_id text not null references sources(id) on delete cascade,
  ordinal integer not null,
  row_number integer not null,
  field text,
  value text,
  reason text not null,
  primary key (source_id, ordinal)
);

create table organizations (
  id text primary key,
  name text not null,
  name_kana text,
  kind text not null,
  legal_form text,
  corporate_number text,
  postal_code text,
  address text,
  municipality_code text,
  lat double precision,
  lng double precision,
  phone text,
  url text,
  support_fields text[] not null default '{}',
  networks text[] not null default '{}',
  ${provenanceColumns}
);
create index organizations_source on organizations (source_id);

create table programs (
  id text primary key,
  local_id text not null,
  provider_id text not null,
  title text not null,
  title_kana text,
  summary text,
  body text,
  kind text not null,
  support_fields text[] not null default '{}',
  purposes text[] not null default '{}',
  area_codes text[] not null default '{}',
  area_text text,
  industries text[] not null default '{}',
  employee_ceiling integer,
  eligibility_text text,
  max_amount bigint,
  max_amount_text text,
  subsidy_rate text,
  subsidy_ratio double precision,
  opens_on date,
  closes_on date,
  url text,
  contact text,
  updated_on date,
  ${provenanceColumns}
);
create index programs_provider on programs (provider_id);
create index programs_source on programs (source_id);

create table consultations (
  id text primary key,
  local_id text not null,
  organization_id text not null,
  received_at timestamptz not null,
  channel text not null,
  topics text[] not null default '{}',
  corporate_number text,
  company_name text,
  industry text,
  employees integer,
  municipality_code text,
  summary text,
  consultant text,
  outcome text,
  referred_to_id text,
  ${provenanceColumns}
);
create index consultations_organization on consultations (organization_id, received_at);
create index consultations_corporate_number on consultations (corporate_number) where corporate_number is not null;
`,
  },
  {
    version: 2,
    name: 'referrals between agencies',
    sql: `
create table referrals (
  id bigint generated always as identity primary key,
  consultation_id text not null,
  from_organization_id text not null,
  to_organization_id text not null,
  note text,
  referred_by text not null,
  referred_at timestamptz not null default now()
);
create index referrals_consultation on referrals (consultation_id);
create index referrals_to on referrals (to_organization_id);
`,
  },
  {
    version: 3,
    name: 'consultation rollups for aggregates',
    sql: `
create table consultation_rollups (
  source_id text not null,
  grouping text not null,
  organization_id text not null,
  month text not null,
  channel text not null,
  municipality_code text not null,
  industry text not null,
  topic text not null,
  topics text[] not null,
  n integer not null
);
create index consultation_rollups_grouping on consultation_rollups (grouping, month);
create index consultation_rollups_source on consultation_rollups (source_id);
create index consultations_received on consultations (received_at);
${rollupRebuildSql({ keySums: false }).join(';\n')};
`,
  },
  {
    version: 4,
    name: 'rollups without a source index',
    // Rollups are read by grouping; by source they are only deleted, once per changed snapshot,
    // where a scan costs less than keeping this index up to date on every row written.
    sql: `drop index if exists consultation_rollups_source;`,
  },
  {
    version: 10,
    name: 'one referral per consultation and target agency',
    // A retried or doubled referConsultation must not hand the same consultation over twice.
    sql: `
delete from referrals r using referrals k
  where r.consultation_id = k.consultation_id and r.to_organization_id = k.to_organization_id and r.id > k.id;
create unique index referrals_once on referrals (consultation_id, to_organization_id);
`,
  },
  {
    version: 11,
    name: 'record keys for the cell-key method of consultation statistics',
    // A secret of the install from the strong random source (gen_random_uuid: 122 random bits,
    // two of them); every consultation's key derives from it and its id; rollups carry key sums.
    sql: `
create table disclosure_keys (secret text not null);
insert into disclosure_keys (secret) select replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
alter table consultations add column record_key integer;
update consultations c set record_key = ${recordKeySql('k.secret', 'c.id')} from disclosure_keys k;
alter table consultations alter column record_key set not null;
alter table consultation_rollups add column key_sum bigint not null default 0;
alter table consultation_rollups alter column key_sum drop default;
delete from consultation_rollups;
${rollupRebuildSql().join(';\n')};
`,
  },
  {
    version: 12,
    name: 'identity nonces shared by every process of a store',
    // Subgraph replicas on one PostgreSQL refuse a forwarded identity header any of them accepted
    // (store/nonces.ts). Unlogged: nonces live a minute and need no WAL.
    sql: `
create unlogged table identity_nonces (
  nonce text primary key,
  expires_at timestamptz not null
);
`,
  },
  {
    version: 20,
    name: 'programme provider names from aggregators',
    // An aggregator's feed names the body offering each programme; kept as written, and matched to
    // the directory by name when a snapshot is written.
    sql: `alter table programs add column provider_name text`,
  },
  {
    version: 40,
    name: 'leases: one process syncs a source at a time',
    // A lease is held until expires_at and renewed while its holder works; a holder that dies
    // stops renewing and another process takes the lease once it has expired. The write of a
    // snapshot checks, in its own transaction, that its lease is still held (a fence).
    sql: `
create table leases (
  name text primary key,
  holder text not null,
  acquired_at timestamptz not null default now(),
  expires_at timestamptz not null
);
`,
  },
  {
    version: 50,
    name: 'firms contact details in consultations; committee minutes',
    sql: `
alter table consultations add column phone text;
alter table consultations add column address text;

create table committee_minutes (
  id text primary key,
  local_id text not null,
  meeting_on date not null,
  corporate_number text,
  firm_id text,
  company_name text not null,
  municipality_code text,
  industry text,
  nominated_by text,
  rationale text,
  outcome text not null,
  reason text,
  decided_by text,
  lead_agency text,
  participating_agencies text[] not null default '{}',
  goals text[] not null default '{}',
  ${provenanceColumns}
);
create index committee_minutes_source on committee_minutes (source_id);
`,
  },
  {
    version: 51,
    name: 'firm identity and growth signals',
    // A sole proprietor is one agency's record (organization, name without spaces, municipality)
    // until a coordinator links several such records to a firm id of the network's own.
    sql: `
create table firms (
  id text primary key,
  name text not null,
  municipality_code text,
  assigned_by text not null,
  assigned_at timestamptz not null
);
create sequence firm_serial;
create table firm_links (
  organization_id text not null,
  name_key text not null,
  municipality_code text not null,
  firm_id text not null references firms (id),
  confirmed_by text not null,
  confirmed_at timestamptz not null,
  primary key (organization_id, name_key, municipality_code)
);
create index firm_links_firm on firm_links (firm_id);
create table firm_match_rejections (
  members text primary key,
  rejected_by text not null,
  rejected_at timestamptz not null,
  reason text not null
);
create index consultations_sole_firm on consultations (organization_id, (replace(company_name, ' ', ''))) where corporate_number is null;

create table firm_signals (
  firm_id text primary key,
  kind text not null,
  corporate_number text,
  organization_id text,
  name_key text,
  name text,
  municipality_code text,
  industry text,
  employees integer,
  consultations integer not null,
  agencies integer not null,
  growth_mask integer not null,
  growth_consultations integer not null,
  frequency integer not null,
  last_at timestamptz,
  referrals integer not null,
  score integer not null
);
create index firm_signals_score on firm_signals (score desc, firm_id);
create table firm_clients (
  firm_id text not null,
  organization_id text not null,
  primary key (firm_id, organization_id)
);
create index firm_clients_organization on firm_clients (organization_id);
create table growth_state (
  id boolean primary key default true check (id),
  weights_version text not null,
  as_of timestamptz,
  refreshed_at timestamptz not null,
  firms integer not null
);
`,
  },
  {
    version: 52,
    name: 'growth committee: meetings, nominations, decisions, support plans',
    // Rows read from a committee-minutes source carry its source_id and are rebuilt with it;
    // rows written through the graph have none and are never touched by a sync.
    sql: `
create table committee_meetings (
  month text primary key,
  held_on date not null,
  source_id text
);
create table nominations (
  id bigint generated always as identity primary key,
  firm_id text not null,
  organization_id text,
  rationale text not null,
  nominated_by text not null,
  nominated_at timestamptz not null,
  meeting_month text not null,
  source_id text
);
create unique index nominations_once on nominations (firm_id, meeting_month, (coalesce(organization_id, '')));
create index nominations_month on nominations (meeting_month);
create table committee_decisions (
  id bigint generated always as identity primary key,
  firm_id text not null,
  meeting_month text not null,
  decision text not null,
  reason text not null check (length(btrim(reason)) > 0),
  decided_by text not null,
  decided_at timestamptz not null,
  source_id text,
  unique (firm_id, meeting_month)
);
create index committee_decisions_month on committee_decisions (meeting_month);
create table support_plan_events (
  id bigint generated always as identity primary key,
  plan_id text not null,
  firm_id text not null,
  at timestamptz not null,
  status text not null,
  lead_agency text not null,
  participating_agencies text[] not null default '{}',
  goals text[] not null default '{}',
  note text,
  recorded_by text not null,
  source_id text
);
create index support_plan_events_plan on support_plan_events (plan_id, at);
create index support_plan_events_firm on support_plan_events (firm_id);
`,
  },
  {
    version: 53,
    name: 'growth audit log, append-only',
    sql: `
create table growth_audit (
  id bigint generated always as identity primary key,
  at timestamptz not null,
  subject text,
  role text not null,
  agency_id text,
  firm_id text not null,
  fields text[] not null
);
create index growth_audit_firm on growth_audit (firm_id, at);
create index growth_audit_at on growth_audit (at);
create function growth_audit_append_only() returns trigger language plpgsql as $$ begin raise exception 'growth_audit is append-only'; end $$;
create trigger growth_audit_no_change before update or delete on growth_audit for each row execute function growth_audit_append_only();
create trigger growth_audit_no_truncate before truncate on growth_audit for each statement execute function growth_audit_append_only();
`,
  },
  {
    version: 54,
    name: 'firm links remember the agency record id they replaced; minutes by firm',
    // So that a confirmation sent again, naming records already linked, finds them and is a no-op;
    // and firms known only from the minutes are found without reading every minute.
    sql: `
alter table firm_links add column local_id text;
create index firm_links_local on firm_links (local_id);
create index committee_minutes_corporate_number on committee_minutes (corporate_number);
create index committee_minutes_firm on committee_minutes (firm_id);
`,
  },
  {
    version: 55,
    name: 'the distinct statistics tables each analyst asked, shared by replicas',
    // The per-analyst table budget (subgraphs/consultations/disclosure.ts) counted in each process
    // alone let an analyst multiply it by the replicas; on a shared store it is counted here
    // (store/analystTables.ts). Which tables (groupings and filters) were asked, never counts.
    sql: `
create table analyst_tables (
  subject text not null,
  table_key text not null,
  first_asked_at timestamptz not null,
  primary key (subject, table_key)
);
create index analyst_tables_asked on analyst_tables (first_asked_at);
`,
  },
  {
    version: 60,
    name: 'the analysts’ disclosure budget: cells revealed per table, on both stores',
    // Replaces the count of distinct tables (version 55): a table is charged by the cells it
    // reveals, over a sliding window, in the store on the embedded PGlite too, so a restart no
    // longer resets it (store/analystBudget.ts). Which tables and how many cells, never counts.
    sql: `
drop table analyst_tables;
create table analyst_charges (
  subject text not null,
  table_key text not null,
  cells integer not null,
  asked_at timestamptz not null,
  primary key (subject, table_key)
);
create index analyst_charges_asked on analyst_charges (subject, asked_at);
`,
  },
];

/** Taken for the length of the migration transaction (an arbitrary constant of this project). */
const MIGRATION_LOCK = 7_341_017;

export async function migrate(store: Store): Promise<number[]> {
  // Up to date already (every start but the first): no lock, no write.
  const known = await store
    .query<{ version: number }>('select version from schema_migrations')
    .then((rows) => new Set(rows.map((r) => r.version)))
    .catch(() => new Set<number>());
  if (MIGRATIONS.every((m) => known.has(m.version))) return [];
  return store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      `create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())`,
    );
    const done = new Set(
      (await tx.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version),
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}

// Extended-protocol queries take one statement each; migrations hold no semicolons inside literals.
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter((s) => s.length > 0);
}
