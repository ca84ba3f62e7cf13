/**
 * Per-request context of the consultations subgraph: the store and DataLoaders. Counts are
 * computed in SQL; rows are loaded only by id.
 */
import DataLoader from 'dataloader';
import type { ConsultationRecord } from '../../adapters/store/records';
import type { Queryable } from '../../adapters/store/store';
import { selectList } from '../../adapters/store/tables';

export interface ConsultationsContext {
  store: Queryable;
  consultationById: DataLoader<string, ConsultationRecord | null>;
  /** Keyed by `<organizationId>|<fiscalYear or *>`. */
  consultationCount: DataLoader<string, number>;
}

export function createConsultationsContext(store: Queryable): ConsultationsContext {
  return {
    store,
    consultationById: new DataLoader(async (ids) => {
      const rows = await store.query<ConsultationRecord>(
        `select ${selectList('consultation')} from consultations where id = any($1::text[])`,
        [ids],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    consultationCount: new DataLoader(async (keys) => {
      const parsed = keys.map((k) => {
        const [org, fy] = k.split('|');
        return { org, fy: fy === '*' ? null : Number(fy) };
      });
      // Fiscal years run April–March in Japan time; one grouped query serves every key.
      const rows = await store.query<{ organization_id: string; fy: number; n: number }>(
        `select organization_id,
                extract(year from (received_at at time zone 'Asia/Tokyo') - interval '3 months')::int as fy,
                count(*)::int as n
         from consultations where organization_id = any($1::text[])
         group by 1, 2`,
        [[...new Set(parsed.map((p) => p.org))]],
      );
      return parsed.map(({ org, fy }) =>
        rows.filter((r) => r.organization_id === org && (fy === null || r.fy === fy)).reduce((sum, r) => sum + r.n, 0),
      );
    }),
  };
}
