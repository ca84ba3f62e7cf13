-- the analysts' disclosure budget: cells revealed per table, on both stores
-- Replaces the count of distinct tables (version 55): a table is charged by the cells it
-- reveals, over a sliding window, in the store on the embedded PGlite too, so a restart no
-- longer resets it and replicas share it (store/analystBudget.ts). Which tables and how many
-- cells, never counts.

drop table analyst_tables;
create table analyst_charges (
  subject text not null,
  table_key text not null,
  cells integer not null,
  asked_at timestamptz not null,
  primary key (subject, table_key)
);
create index analyst_charges_asked on analyst_charges (subject, asked_at);
