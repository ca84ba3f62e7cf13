-- programme changes as the snapshots show them, for feeds and webhooks
-- program_states keeps what each programme looked like after its source's last snapshot; the
-- write of the next snapshot compares the new rows with it (store/programChanges.ts) and logs
-- each programme added, changed (title, amount, rate, period, eligibility, kind) or removed,
-- stamped with the snapshot's time. Seeded from the programmes already stored, so an upgrade
-- does not announce the whole catalogue as new.

create table program_states (
  program_id text primary key,
  source_id text not null,
  state jsonb not null
);
create index program_states_source on program_states (source_id);
create table program_changes (
  id bigint generated always as identity primary key,
  program_id text not null,
  source_id text not null,
  change text not null check (change in ('ADDED', 'CHANGED', 'REMOVED')),
  fields text[] not null default '{}',
  at timestamptz not null,
  before jsonb,
  after jsonb
);
create index program_changes_at on program_changes (at);
create index program_changes_program on program_changes (program_id, id);
insert into program_states (program_id, source_id, state)
  select id, source_id, jsonb_build_object('title', title, 'summary', summary, 'kind', kind, 'providerId', provider_id,
    'supportFields', support_fields, 'purposes', purposes, 'areaCodes', area_codes, 'industries', industries,
    'employeeCeiling', employee_ceiling, 'maxAmount', max_amount, 'maxAmountText', max_amount_text,
    'subsidyRate', subsidy_rate, 'opensOn', opens_on, 'closesOn', closes_on, 'url', url) from programs;
