/**
 * `npm run start:subgraph -- <name>`: one subgraph as its own process, on SUBGRAPH_PORT (default:
 * its port in the composed supergraph), reading the store at DATABASE_URL (any number of
 * replicas) or in MADOGUCHI_DATA_DIR (one process per data directory). It follows the snapshots
 * other processes write (store notifications). The identity secret must be the gateway's:
 * MADOGUCHI_IDENTITY_SECRET, or (one machine, one data folder) the install's development secret.
 */
import { openStore } from '../store/store';
import { onSnapshot } from '../store/engine/notifications';
import { DEFAULT_SUBGRAPH_PORTS, findSubgraph, SUBGRAPHS } from '../subgraphs';
import { startSubgraph } from '../subgraphs/server';
import { closeColumnar, warmColumnar } from '../store/columnar';
import { begin } from './process';
import { storeOptionsOf } from './store';

export async function main(name: string, port?: number): Promise<void> {
  const module = findSubgraph(name);
  if (!module) throw new Error(`no subgraph ${name}; the subgraphs are ${SUBGRAPHS.map((s) => s.name).join(', ')}`);
  const { settings, logger } = begin({ service: module.name, secrets: 'subgraph' });
  const store = await openStore(storeOptionsOf(settings, `madoguchi-${module.name}`));
  if (module.onSnapshot) await onSnapshot(store, (change) => module.onSnapshot!(store, change));
  const running = await startSubgraph(module, store, {
    port: port ?? settings.subgraphPort ?? DEFAULT_SUBGRAPH_PORTS[module.name],
    host: settings.host,
    identitySecret: settings.identitySecret,
    settings,
    logger,
  });
  // Each replica keeps its own columnar mirror for analysts' statistics and the growth refresh.
  if (module.name === 'consultations' || module.name === 'growth')
    warmColumnar(store).then(
      () => logger.info("columnar mirror loaded: analysts' statistics count on DuckDB"),
      (e: unknown) =>
        logger.warn({ err: (e as Error).message }, 'columnar mirror not loaded; statistics count in the store'),
    );
  const stop = () =>
    running
      .close()
      .then(() => closeColumnar(store))
      .then(() => store.close())
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Announced once a SIGTERM sent on reading this line stops it cleanly.
  logger.info({ url: running.url }, `subgraph ${module.name} ready at ${running.url}`);
}
