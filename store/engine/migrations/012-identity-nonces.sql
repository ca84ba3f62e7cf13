-- identity nonces shared by every process of a store
-- Subgraph replicas on one PostgreSQL refuse a forwarded identity header any of them accepted
-- (store/nonces.ts). Unlogged: nonces live a minute and need no WAL.

create unlogged table identity_nonces (
  nonce text primary key,
  expires_at timestamptz not null
);
