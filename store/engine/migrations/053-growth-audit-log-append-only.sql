-- growth audit log, append-only

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
