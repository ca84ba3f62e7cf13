-- rollups without a source index
-- Rollups are read by grouping; by source they are only deleted, once per changed snapshot,
-- where a scan costs less than keeping this index up to date on every row written.

drop index if exists consultation_rollups_source;
