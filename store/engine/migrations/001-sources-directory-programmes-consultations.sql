-- sources, directory, programmes and consultations

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
  
  source_id text not null,
  agency_id text not null,
  source_kind text not null,
  source_location text not null,
  fetched_at timestamptz not null,
  content_hash text not null,
  source_row integer
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
  
  source_id text not null,
  agency_id text not null,
  source_kind text not null,
  source_location text not null,
  fetched_at timestamptz not null,
  content_hash text not null,
  source_row integer
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
  
  source_id text not null,
  agency_id text not null,
  source_kind text not null,
  source_location text not null,
  fetched_at timestamptz not null,
  content_hash text not null,
  source_row integer
);
create index consultations_organization on consultations (organization_id, received_at);
create index consultations_corporate_number on consultations (corporate_number) where corporate_number is not null;
