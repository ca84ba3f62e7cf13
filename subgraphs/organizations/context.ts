/**
 * Per-request context of the organizations subgraph: the store and DataLoaders that turn the
 * many lookups of one request into one query per batch.
 */
import DataLoader from 'dataloader';
import type { OrganizationRecord } from '../../adapters/store/records';
import type { Queryable } from '../../adapters/store/store';
import { selectList } from '../../adapters/store/tables';
import { listRejections } from '../../adapters/store/ingest';

export interface OrganizationsContext {
  store: Queryable;
  organizationById: DataLoader<string, OrganizationRecord | null>;
  rejectionsBySource: (limit: number) => DataLoader<string, Awaited<ReturnType<typeof listRejections>>>;
}

export function createOrganizationsContext(store: Queryable): OrganizationsContext {
  const rejectionLoaders = new Map<number, DataLoader<string, Awaited<ReturnType<typeof listRejections>>>>();
  return {
    store,
    organizationById: new DataLoader(async (ids) => {
      const rows = await store.query<OrganizationRecord>(
        `select ${selectList('organization')} from organizations where id = any($1::text[])`,
        [ids],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    rejectionsBySource: (limit) => {
      let loader = rejectionLoaders.get(limit);
      if (!loader) {
        loader = new DataLoader(async (sourceIds) => {
          const rows = await listRejections(store, [...sourceIds], limit);
          return sourceIds.map((id) => rows.filter((r) => r.sourceId === id));
        });
        rejectionLoaders.set(limit, loader);
      }
      return loader;
    },
  };
}
