-- review dates coordinators set on support plans
-- The committee follows active firms up every three months after a plan's latest event
-- (domain/growth/review.ts); a coordinator may set another day, kept here with when it was set.

create table support_plan_reviews (
  plan_id text primary key,
  next_review_on date not null,
  set_by text not null,
  set_at timestamptz not null
);
