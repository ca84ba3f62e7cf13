-- programmes keep the status their page publishes
-- A programme list page shows a badge (受付中, 募集終了) that the application period may not give:
-- no days at all, or a programme closed early when its budget ran out. Kept as read at the last
-- sync (OPEN, UPCOMING, CLOSED, ONGOING); domain/programStatus.ts weighs it against the period.
alter table programs add column published_status text;
