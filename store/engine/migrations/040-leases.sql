-- leases: one process syncs a source at a time
-- A lease is held until expires_at and renewed while its holder works; a holder that dies
-- stops renewing and another process takes the lease once it has expired. The write of a
-- snapshot checks, in its own transaction, that its lease is still held (a fence).

create table leases (
  name text primary key,
  holder text not null,
  acquired_at timestamptz not null default now(),
  expires_at timestamptz not null
);
