-- programme provider names from aggregators
-- An aggregator's feed names the body offering each programme; kept as written, and matched to
-- the directory by name when a snapshot is written.

alter table programs add column provider_name text;
