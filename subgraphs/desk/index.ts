/**
 * The desk subgraph: the consultants' desk (proposals for a firm with their reasons, marks, notes,
 * finding a firm) and alerts for everyone (a search's feed and calendar, signed webhooks). Every
 * process serving it also sends the webhooks (./webhooks/dispatcher), sharing the work through
 * the store with its replicas.
 */
import { loadTypeDefs, type SubgraphModule } from '../shared/module';
import type { Store } from '../../store/store';
import { searchIndexFor } from '../programs/search/holder';
import { createDeskContext, type DeskContext } from './context';
import { deskSettingsOf } from './settings';
import { resolvers } from './resolvers';
import { WebhookDispatcher } from './webhooks/dispatcher';

export const desk: SubgraphModule<DeskContext> = {
  name: 'desk',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  createContext: (store, options) =>
    createDeskContext(store, options?.viewer, options?.now, deskSettingsOf(options?.settings)),
  background: async (store, options) => {
    if (!('transaction' in store)) return null;
    const dispatcher = new WebhookDispatcher(store as Store, {
      settings: deskSettingsOf(options.settings),
      searchIndex: () => searchIndexFor(store).refresh(),
      now: options.now,
      logger: options.logger,
    });
    return dispatcher.start();
  },
};
