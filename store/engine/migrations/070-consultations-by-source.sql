-- consultations by source
-- The columnar mirror (store/columnar/) reads one source's consultations after each of its
-- snapshots, and a snapshot deletes the source's old rows: both find them through this index
-- instead of reading every consultation.
create index consultations_source on consultations (source_id);
