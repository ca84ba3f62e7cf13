/** The composed supergraph the gateway starts from (written by `npm run compose`, committed). */
import { join } from 'node:path';

export const SUPERGRAPH_FILE = join(__dirname, 'supergraph.graphql');
