/** The consultations subgraph: consultation records under role-based access, referrals and aggregates. */
import { loadTypeDefs, type SubgraphModule } from '../shared/module';
import { analystBudgetSettingsOf } from '../shared/analysts';
import { createConsultationsContext, type ConsultationsContext } from './context';
import { resolvers } from './resolvers';
import { statsAnswerPlugin, type StatsResolve } from './statsAnswer';

export const consultations: SubgraphModule<ConsultationsContext> = {
  name: 'consultations',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  plugins: () => [statsAnswerPlugin(resolvers.Query!.consultationStats as StatsResolve)],
  createContext: (store, options) =>
    createConsultationsContext(
      store,
      options?.viewer,
      options?.now,
      options?.settings && analystBudgetSettingsOf(options.settings),
    ),
};
