-- signed webhooks: registrations, deliveries, attempts, the fan-out cursor
-- A delivery is one message (one snapshot's matching changes for one webhook); its id is the
-- Standard Webhooks message id, the same on every retry. lease_until lets one replica at a
-- time send it; the cursor row is advanced by compare-and-set, so one replica fans out each
-- change once.

create table webhooks (
  id text primary key,
  owner text not null,
  url text not null,
  search jsonb not null,
  secret text not null,
  created_at timestamptz not null,
  disabled_at timestamptz,
  disabled_reason text,
  -- Changes logged up to this id were there before the webhook and are not sent to it.
  start_after bigint not null
);
create index webhooks_owner on webhooks (owner);
create table webhook_deliveries (
  id text primary key,
  webhook_id text not null references webhooks (id) on delete cascade,
  change_ids bigint[] not null,
  payload text not null,
  created_at timestamptz not null,
  status text not null check (status in ('PENDING', 'DELIVERED', 'FAILED')),
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  lease_until timestamptz,
  delivered_at timestamptz,
  last_error text
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'PENDING';
create index webhook_deliveries_webhook on webhook_deliveries (webhook_id, created_at);
create table webhook_attempts (
  id bigint generated always as identity primary key,
  delivery_id text not null references webhook_deliveries (id) on delete cascade,
  at timestamptz not null,
  status_code integer,
  error text,
  duration_ms integer not null
);
create index webhook_attempts_delivery on webhook_attempts (delivery_id, at);
create table alert_cursor (
  name text primary key,
  last_change_id bigint not null
);
insert into alert_cursor (name, last_change_id) select 'webhooks', coalesce(max(id), 0) from program_changes;
