-- firm links remember the agency record id they replaced; minutes by firm
-- So that a confirmation sent again, naming records already linked, finds them and is a no-op;
-- and firms known only from the minutes are found without reading every minute.

alter table firm_links add column local_id text;
create index firm_links_local on firm_links (local_id);
create index committee_minutes_corporate_number on committee_minutes (corporate_number);
create index committee_minutes_firm on committee_minutes (firm_id);
