-- the desk: proposal marks and consultation notes
-- What a consultant did with a proposal (offered, declined with a reason, applied), kept per
-- firm and programme with who and when; the latest mark counts. Notes written on a
-- consultation from the desk, append-only, readable by whoever may read the consultation.

create table proposal_marks (
  id bigint generated always as identity primary key,
  firm_id text not null,
  program_id text not null,
  mark text not null check (mark in ('OFFERED', 'DECLINED', 'APPLIED')),
  reason text,
  marked_by text not null,
  agency_id text,
  marked_at timestamptz not null,
  check (mark <> 'DECLINED' or length(btrim(coalesce(reason, ''))) > 0)
);
create index proposal_marks_firm on proposal_marks (firm_id, program_id, marked_at);
create table consultation_notes (
  id bigint generated always as identity primary key,
  consultation_id text not null,
  body text not null check (length(btrim(body)) > 0),
  written_by text not null,
  agency_id text,
  written_at timestamptz not null
);
create index consultation_notes_consultation on consultation_notes (consultation_id, written_at);
