/** The programs subgraph: every agency's support programmes, and Organization.programs. */
import { loadTypeDefs, type SubgraphModule } from '../shared/module';
import { createProgramsContext, type ProgramsContext } from './context';
import { resolvers } from './resolvers';
import { searchIndexFor } from './search/holder';
import { defaultAnalyser } from './search/analyser';

export const programs: SubgraphModule<ProgramsContext> = {
  name: 'programs',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  createContext: (store, options) => createProgramsContext(store, options?.now),
  // The search index, the analyser and the vocabulary of もしかして, built before serving — for a
  // large catalogue, started: searches answer from the part built so far (search/holder.ts).
  warm: (store) => searchIndexFor(store).ready(),
  // The tokenizer's dictionary (some 0.3 s to load), loaded while a first start's directory syncs.
  prepare: () => void defaultAnalyser().analyse('支援'),
  // A new programme or directory snapshot (from this process or a replica's sync) rebuilds the
  // changed part of the search index now, not on the next search.
  onSnapshot: (store, change) => {
    if (change === null || change.entity === 'program' || change.entity === 'organization')
      searchIndexFor(store)
        .refresh()
        .catch(() => {});
  },
};
