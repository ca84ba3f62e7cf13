-- live sources: an agency's own service's state in the gateway
-- A live source (kind graphql-subgraph or openapi, entity 'live') is answered per request by the
-- agency's own service and stores no records; the gateway keeps its row here so that `sources`
-- shows it beside the others: status and last error as for any source, and in `live` whether it
-- is composed, its circuit, the median time of its recent calls and the fields it adds
-- (gateway/live/registry.ts, store/liveSources.ts).

alter table sources add column live jsonb;
