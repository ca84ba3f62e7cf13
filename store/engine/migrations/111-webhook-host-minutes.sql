-- deliveries sent to each receiving host per minute, shared by every desk replica
-- MADOGUCHI_WEBHOOK_HOST_PER_MINUTE holds across replicas sharing the store: before sending, a
-- dispatcher takes its deliveries from the host's row for the current minute (by the store's
-- clock) with one upsert that only adds while the count is under the cap (store/webhooks.ts,
-- takeHostSlots). `last_taken` is what the latest take got, returned by that same statement.
-- Rows of minutes gone by are deleted by the dispatchers' rounds.

create table webhook_host_minutes (
  host text not null,
  minute timestamptz not null,
  sent integer not null check (sent >= 0),
  last_taken integer not null default 0,
  primary key (host, minute)
);
create index webhook_host_minutes_minute on webhook_host_minutes (minute);
