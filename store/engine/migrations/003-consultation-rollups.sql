-- consultation rollups for aggregates
-- Rollups of the consultations already stored, in the groupings of the time (store/rollups.ts).

create table consultation_rollups (
  source_id text not null,
  grouping text not null,
  organization_id text not null,
  month text not null,
  channel text not null,
  municipality_code text not null,
  industry text not null,
  topic text not null,
  topics text[] not null,
  n integer not null
);
create index consultation_rollups_grouping on consultation_rollups (grouping, month);
create index consultation_rollups_source on consultation_rollups (source_id);
create index consultations_received on consultations (received_at);
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'topic_channel', c.organization_id, '', c.channel, '', '', t.topic, '{}'::text[], count(*)::int from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'month_channel', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), c.channel, '', '', '', '{}'::text[], count(*)::int from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'channel_industry', c.organization_id, '', c.channel, '', coalesce(c.industry, ''), '', '{}'::text[], count(*)::int from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'month_topic', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), '', '', '', t.topic, '{}'::text[], count(*)::int from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'topic_industry', c.organization_id, '', '', '', coalesce(c.industry, ''), t.topic, '{}'::text[], count(*)::int from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'channel_municipality', c.organization_id, '', c.channel, coalesce(c.municipality_code, ''), '', '', '{}'::text[], count(*)::int from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'month_industry', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), '', '', coalesce(c.industry, ''), '', '{}'::text[], count(*)::int from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'topic_municipality', c.organization_id, '', '', coalesce(c.municipality_code, ''), '', t.topic, '{}'::text[], count(*)::int from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'municipality_industry', c.organization_id, '', '', coalesce(c.municipality_code, ''), coalesce(c.industry, ''), '', '{}'::text[], count(*)::int from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'month_municipality', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), '', coalesce(c.municipality_code, ''), '', '', '{}'::text[], count(*)::int from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'month_channel_industry', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), c.channel, '', coalesce(c.industry, ''), '', '{}'::text[], count(*)::int from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'month_topic_industry', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), '', '', coalesce(c.industry, ''), t.topic, '{}'::text[], count(*)::int from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'month_channel_topics', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), c.channel, '', '', '', c.topics, count(*)::int from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'month_channel_municipality', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), c.channel, coalesce(c.municipality_code, ''), '', '', '{}'::text[], count(*)::int from consultations c group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
insert into consultation_rollups (source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n)
select c.source_id, 'month_topic_municipality', c.organization_id, to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), '', coalesce(c.municipality_code, ''), '', t.topic, '{}'::text[], count(*)::int from consultations c cross join lateral unnest(c.topics) as t(topic) group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
