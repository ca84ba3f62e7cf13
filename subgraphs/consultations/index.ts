/** The consultations subgraph: consultation records and the counts other types show. */
import { loadTypeDefs, type SubgraphModule } from '../shared/module';
import { createConsultationsContext, type ConsultationsContext } from './context';
import { resolvers } from './resolvers';

export const consultations: SubgraphModule<ConsultationsContext> = {
  name: 'consultations',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  createContext: (store) => createConsultationsContext(store),
};
