-- record keys for the cell-key method of consultation statistics
-- A secret of the install from the strong random source (gen_random_uuid: 122 random bits,
-- two of them); every consultation's key derives from it and its id (as domain/disclosure.ts's
-- recordKey: the first 16 bits of SHA-256(secret || id)); rollups carry key sums and are rebuilt
-- from the records with them, in the groupings of the time.

create table disclosure_keys (secret text not null);
insert into disclosure_keys (secret) select replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
alter table consultations add column record_key integer;
update consultations c set record_key = ('x' || substr(encode(sha256(convert_to(k.secret || c.id, 'UTF8')), 'hex'), 1, 4))::bit(16)::int from disclosure_keys k;
alter table consultations alter column record_key set not null;
alter table consultation_rollups add column key_sum bigint not null default 0;
alter table consultation_rollups alter column key_sum drop default;
delete from consultation_rollups;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'topic_channel', c.organization_id, '', c.channel, '', '', t.topic, '{}'::text[], count(*)::int, sum(c.record_key) from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'month_channel', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), c.channel, '', '', '', '{}'::text[], count(*)::int, sum(c.record_key) from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'channel_industry', c.organization_id, '', c.channel, '', coalesce(c.industry, ''), '', '{}'::text[], count(*)::int, sum(c.record_key) from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'month_topic', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), '', '', '', t.topic, '{}'::text[], count(*)::int, sum(c.record_key) from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'topic_industry', c.organization_id, '', '', '', coalesce(c.industry, ''), t.topic, '{}'::text[], count(*)::int, sum(c.record_key) from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'channel_municipality', c.organization_id, '', c.channel, coalesce(c.municipality_code, ''), '', '', '{}'::text[], count(*)::int, sum(c.record_key) from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'month_industry', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), '', '', coalesce(c.industry, ''), '', '{}'::text[], count(*)::int, sum(c.record_key) from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'topic_municipality', c.organization_id, '', '', coalesce(c.municipality_code, ''), '', t.topic, '{}'::text[], count(*)::int, sum(c.record_key) from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'municipality_industry', c.organization_id, '', '', coalesce(c.municipality_code, ''), coalesce(c.industry, ''), '', '{}'::text[], count(*)::int, sum(c.record_key) from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'month_municipality', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), '', coalesce(c.municipality_code, ''), '', '', '{}'::text[], count(*)::int, sum(c.record_key) from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'month_channel_industry', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), c.channel, '', coalesce(c.industry, ''), '', '{}'::text[], count(*)::int, sum(c.record_key) from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'month_topic_industry', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), '', '', coalesce(c.industry, ''), t.topic, '{}'::text[], count(*)::int, sum(c.record_key) from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'month_channel_topics', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), c.channel, '', '', '', c.topics, count(*)::int, sum(c.record_key) from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'month_channel_municipality', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), c.channel, coalesce(c.municipality_code, ''), '', '', '{}'::text[], count(*)::int, sum(c.record_key) from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum)
select c.source_id, 'month_topic_municipality', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), '', coalesce(c.municipality_code, ''), '', t.topic, '{}'::text[], count(*)::int, sum(c.record_key) from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
