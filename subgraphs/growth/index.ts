/**
 * The growth subgraph: firms' growth signals and explained scores, nominations, the monthly
 * committee's agenda and decisions, support plans, headline counts and the audit log of reads.
 */
import { loadTypeDefs, type SubgraphModule } from '../shared/module';
import { analystBudgetSettingsOf } from '../shared/analysts';
import { createGrowthContext, type GrowthContext } from './context';
import { resolvers } from './resolvers';

export const growth: SubgraphModule<GrowthContext> = {
  name: 'growth',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  createContext: (store, options) =>
    createGrowthContext(
      store,
      options?.viewer,
      options?.now,
      options?.settings && analystBudgetSettingsOf(options.settings),
    ),
};
