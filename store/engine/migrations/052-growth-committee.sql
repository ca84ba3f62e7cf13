-- growth committee: meetings, nominations, decisions, support plans
-- Rows read from a committee-minutes source carry its source_id and are rebuilt with it;
-- rows written through the graph have none and are never touched by a sync.

create table committee_meetings (
  month text primary key,
  held_on date not null,
  source_id text
);
create table nominations (
  id bigint generated always as identity primary key,
  firm_id text not null,
  organization_id text,
  rationale text not null,
  nominated_by text not null,
  nominated_at timestamptz not null,
  meeting_month text not null,
  source_id text
);
create unique index nominations_once on nominations (firm_id, meeting_month, (coalesce(organization_id, '')));
create index nominations_month on nominations (meeting_month);
create table committee_decisions (
  id bigint generated always as identity primary key,
  firm_id text not null,
  meeting_month text not null,
  decision text not null,
  reason text not null check (length(btrim(reason)) > 0),
  decided_by text not null,
  decided_at timestamptz not null,
  source_id text,
  unique (firm_id, meeting_month)
);
create index committee_decisions_month on committee_decisions (meeting_month);
create table support_plan_events (
  id bigint generated always as identity primary key,
  plan_id text not null,
  firm_id text not null,
  at timestamptz not null,
  status text not null,
  lead_agency text not null,
  participating_agencies text[] not null default '{}',
  goals text[] not null default '{}',
  note text,
  recorded_by text not null,
  source_id text
);
create index support_plan_events_plan on support_plan_events (plan_id, at);
create index support_plan_events_firm on support_plan_events (firm_id);
