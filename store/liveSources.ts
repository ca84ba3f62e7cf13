/**
 * Write API for live sources' state (gateway/live): the gateway reports each source after every
 * check, and the rows of sources no longer declared go. Each live source is one row of `sources`
 * (entity 'live') with its state in `live`; it has no records, so nothing else is written.
 */
import type { Queryable } from './engine/store';

export interface LiveSourceRow {
  id: string;
  agencyId: string;
  name: string;
  kind: 'graphql-subgraph' | 'openapi';
  location: string;
  status: 'OK' | 'FAILED';
  stale: boolean;
  lastError: string | null;
  lastCheckedAt: string | null;
  lastChangedAt: string | null;
  composed: boolean;
  circuit: string;
  latencyMs: number | null;
  fields: string[];
}

/** Stores every live source's state and removes the live rows not among them. */
export async function recordLiveSources(store: Queryable, rows: LiveSourceRow[]): Promise<void> {
  for (const r of rows) {
    await store.query(
      `insert into sources (id, agency_id, name, kind, entity, location, status, stale, last_attempt_at,
         last_success_at, last_changed_at, last_error, live)
       values ($1, $2, $3, $4, 'live', $5, $6, $7, $8, case when $6 = 'OK' then $8::timestamptz end, $9, $10, $11)
       on conflict (id) do update set agency_id = $2, name = $3, kind = $4, entity = 'live', location = $5,
         status = $6, stale = $7, last_attempt_at = $8,
         last_success_at = case when $6 = 'OK' then $8::timestamptz else sources.last_success_at end,
         last_changed_at = $9, last_error = $10, live = $11`,
      [
        r.id,
        r.agencyId,
        r.name,
        r.kind === 'openapi' ? 'OPENAPI' : 'GRAPHQL_SUBGRAPH',
        r.location,
        r.status,
        r.stale,
        r.lastCheckedAt,
        r.lastChangedAt,
        r.lastError,
        JSON.stringify({ composed: r.composed, circuit: r.circuit, latencyMs: r.latencyMs, fields: r.fields }),
      ],
    );
  }
  await store.query(`delete from sources where entity = 'live' and not (id = any($1::text[]))`, [
    rows.map((r) => r.id),
  ]);
}
