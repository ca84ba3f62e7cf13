/**
 * Per-request context of the desk subgraph: the verified viewer, the store, the store's search
 * index (shared with the programs subgraph in one process), the desk's settings, and DataLoaders
 * over the read APIs. Who may do what is decided in the resolvers with the helpers here; reads
 * of a firm's proposals are written to the growth audit log before anything is returned.
 */
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { ConsultationRecord } from '../../domain/records';
import type { Queryable, Store } from '../../store/store';
import * as consultations from '../../store/consultations';
import * as desk from '../../store/desk';
import * as firms from '../../store/firms';
import * as webhooks from '../../store/webhooks';
import { recordReads } from '../../store/audit';
import { searchIndexFor, type SearchIndexHolder } from '../programs/search/holder';
import { ANONYMOUS, type Viewer } from '../../server/identity';
import { deskSettingsOf, type DeskSettings } from './settings';

export interface CompanyReference {
  id: string;
}
export interface ConsultationReference {
  id: string;
}
export interface ProgramReference {
  id: string;
}

export interface DeskContext {
  store: Queryable;
  viewer: Viewer;
  now: () => Date;
  settings: DeskSettings;
  search: SearchIndexHolder;
  /** Staff or coordinator, else UNAUTHENTICATED / FORBIDDEN. */
  requireDeskUser(what: string): void;
  writableStore(): Store;
  /** Whether staff may see the firm (their agency's client, or its plan's agency); coordinators all. */
  firmVisible: DataLoader<string, boolean>;
  /** The consultation if the viewer may read it. */
  consultation: DataLoader<string, ConsultationRecord | null>;
  notes: DataLoader<string, desk.NoteRow[]>;
  deliveries: DataLoader<string, webhooks.DeliveryRow[]>;
  attempts: DataLoader<string, webhooks.AttemptRow[]>;
  /** Writes a read of a firm's file to the audit log (once per firm and field per request). */
  audit(firmId: string, field: string): Promise<void>;
}

const refuse = (code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) =>
  new GraphQLError(message, { extensions: { code } });

export function createDeskContext(
  store: Queryable,
  viewer: Viewer = ANONYMOUS,
  now: () => Date = () => new Date(),
  settings: DeskSettings = deskSettingsOf(),
): DeskContext {
  const audited = new Set<string>();
  return {
    store,
    viewer,
    now,
    settings,
    search: searchIndexFor(store),
    requireDeskUser(what) {
      if (viewer.role === 'anonymous') throw refuse('UNAUTHENTICATED', `${what} needs a staff or coordinator token`);
      if (viewer.role !== 'staff' && viewer.role !== 'coordinator')
        throw refuse('FORBIDDEN', `role ${viewer.role} may not use ${what}; it is for agency staff and coordinators`);
    },
    writableStore() {
      if (!('transaction' in store))
        throw new GraphQLError('this store cannot write', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      return store as Store;
    },
    firmVisible: new DataLoader(async (ids) => {
      const visible = await firms.visibleIds(store, viewer, ids);
      return ids.map((id) => visible.has(id));
    }),
    consultation: new DataLoader((ids) => consultations.byIds(store, viewer, ids)),
    notes: new DataLoader((ids) => desk.notesOf(store, ids)),
    deliveries: new DataLoader((ids) => webhooks.deliveriesOf(store, ids, 100)),
    attempts: new DataLoader((ids) => webhooks.attemptsOf(store, ids)),
    async audit(firmId, field) {
      const key = `${firmId}\u0000${field}`;
      if (audited.has(key)) return;
      audited.add(key);
      await recordReads(store, viewer, now().toISOString(), [{ firmId, fields: [field] }]);
    },
  };
}
