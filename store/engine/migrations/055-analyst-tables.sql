-- the distinct statistics tables each analyst asked, shared by replicas
-- The per-analyst table budget (subgraphs/consultations/disclosure.ts) counted in each process
-- alone let an analyst multiply it by the replicas; on a shared store it is counted here
-- (store/analystTables.ts). Which tables (groupings and filters) were asked, never counts.

create table analyst_tables (
  subject text not null,
  table_key text not null,
  first_asked_at timestamptz not null,
  primary key (subject, table_key)
);
create index analyst_tables_asked on analyst_tables (first_asked_at);
