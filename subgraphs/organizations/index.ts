/** The organizations subgraph: the directory of support bodies and the sources feeding Madoguchi. */
import { loadTypeDefs, type SubgraphModule } from '../shared/module';
import { createOrganizationsContext, type OrganizationsContext } from './context';
import { resolvers } from './resolvers';

export const organizations: SubgraphModule<OrganizationsContext> = {
  name: 'organizations',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  createContext: (store, options) => createOrganizationsContext(store, options?.viewer),
};
