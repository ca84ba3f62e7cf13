/**
 * Per-request context of the organizations subgraph: the store and DataLoaders that turn the
 * many lookups of one request into one query per batch.
 */
import DataLoader from 'dataloader';
import type { OrganizationRecord } from '../../domain/records';
import type { Queryable } from '../../store/store';
import * as organizations from '../../store/organizations';
import { rejections as listRejections } from '../../store/sources';
import { ANONYMOUS, type Viewer } from '../../server/identity';

export interface OrganizationsContext {
  store: Queryable;
  viewer: Viewer;
  /** Whether the viewer may see a source's internal detail: its agency's staff, and coordinators. */
  seesDetailOf(agencyId: string): boolean;
  organizationById: DataLoader<string, OrganizationRecord | null>;
  rejectionsBySource: (limit: number) => DataLoader<string, Awaited<ReturnType<typeof listRejections>>>;
}

export function createOrganizationsContext(store: Queryable, viewer: Viewer = ANONYMOUS): OrganizationsContext {
  const rejectionLoaders = new Map<number, DataLoader<string, Awaited<ReturnType<typeof listRejections>>>>();
  return {
    store,
    viewer,
    seesDetailOf: (agencyId) =>
      viewer.role === 'coordinator' || (viewer.role === 'staff' && viewer.agencyId === agencyId),
    organizationById: new DataLoader((ids) => organizations.byIds(store, ids)),
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
