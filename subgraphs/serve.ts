/**
 * `npm run start:subgraph -- <name>`: one subgraph as its own process, on SUBGRAPH_PORT (default:
 * its port in the composed supergraph), reading the store in MADOGUCHI_DATA_DIR.
 */
import { resolve } from 'node:path';
import { openStore } from '../store/store';
import { DEFAULT_SUBGRAPH_PORTS, SUBGRAPHS, findSubgraph } from '.';
import { startSubgraph } from './server';

async function main(): Promise<void> {
  const name = process.argv[2];
  const module = name ? findSubgraph(name) : undefined;
  if (!module) {
    console.error(`usage: npm run start:subgraph -- <${SUBGRAPHS.map((s) => s.name).join('|')}>`);
    process.exit(2);
  }
  const store = await openStore({ dataDir: resolve(process.env.MADOGUCHI_DATA_DIR ?? '.data') });
  const running = await startSubgraph(module, store, {
    port: Number(process.env.SUBGRAPH_PORT ?? DEFAULT_SUBGRAPH_PORTS[module.name]),
    host: process.env.HOST ?? '127.0.0.1',
  });
  console.log(`subgraph ${module.name} ready at ${running.url}`);
  const stop = () => running.close().then(() => store.close()).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
