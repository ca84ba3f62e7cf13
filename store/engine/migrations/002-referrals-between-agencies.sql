-- referrals between agencies

create table referrals (
  id bigint generated always as identity primary key,
  consultation_id text not null,
  from_organization_id text not null,
  to_organization_id text not null,
  note text,
  referred_by text not null,
  referred_at timestamptz not null default now()
);
create index referrals_consultation on referrals (consultation_id);
create index referrals_to on referrals (to_organization_id);
