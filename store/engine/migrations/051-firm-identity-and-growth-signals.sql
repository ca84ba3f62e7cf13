-- firm identity and growth signals
-- A sole proprietor is one agency's record (organization, name without spaces, municipality)
-- until a coordinator links several such records to a firm id of the network's own.

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
