-- firms contact details in consultations; committee minutes

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
  
  source_id text not null,
  agency_id text not null,
  source_kind text not null,
  source_location text not null,
  fetched_at timestamptz not null,
  content_hash text not null,
  source_row integer
);
create index committee_minutes_source on committee_minutes (source_id);
