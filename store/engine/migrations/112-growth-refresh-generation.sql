-- growth refresh generation
-- The columnar growth refresh keeps the rows it last wrote and, next time, writes only the rows
-- that differ. It may do so only while the store still holds exactly those rows: every statement
-- that writes firm_signals or firm_clients (a refresh, the refresh of a match's firms, a referral
-- through the graph, a hand edit) takes a new generation from a sequence, which never repeats, and
-- the refresh compares the generation it wrote with the one it finds under its lock.
create sequence growth_refresh_generation;
alter table growth_state add column generation bigint not null default nextval('growth_refresh_generation');
create function growth_signals_written() returns trigger language plpgsql as $$ begin update growth_state set generation = nextval('growth_refresh_generation'); return null; end $$;
create trigger firm_signals_written after insert or update or delete or truncate on firm_signals for each statement execute function growth_signals_written();
create trigger firm_clients_written after insert or update or delete or truncate on firm_clients for each statement execute function growth_signals_written();
