/**
 * `npm run start:subgraph -- <name>`: one subgraph as its own process, on SUBGRAPH_PORT (default:
 * its port in the composed supergraph), reading the store at DATABASE_URL (any number of
 * replicas) or in MADOGUCHI_DATA_DIR (one process per data directory). It follows the snapshots
 * other processes write (store notifications).
 */
import { resolve } from 'node:path';
import { openStore, storeOptionsFromEnv } from '../store/store';
import { onSnapshot } from '../store/engine/notifications';
import { DEFAULT_SUBGRAPH_PORTS, SUBGRAPHS, findSubgraph } from '../subgraphs';
import { startSubgraph } from '../subgraphs/server';
import { ensureDevelopmentSecrets, isLoopback, SettingsError } from '../server/secrets';

async function main(): Promise<void> {
  const name = process.argv[2];
  const module = name ? findSubgraph(name) : undefined;
  if (!module) {
    console.error(`usage: npm run start:subgraph -- <${SUBGRAPHS.map((s) => s.name).join('|')}>`);
    process.exit(2);
  }
  const dataDir = resolve(process.env.MADOGUCHI_DATA_DIR ?? '.data');
  const host = process.env.HOST ?? '127.0.0.1';
  // The identity secret must be the gateway's: MADOGUCHI_IDENTITY_SECRET, or (on one machine, one
  // data directory) the install's development secret, which never leaves loopback.
  let secret = process.env.MADOGUCHI_IDENTITY_SECRET;
  if (!secret) {
    if (process.env.NODE_ENV === 'production')
      throw new SettingsError('NODE_ENV=production needs MADOGUCHI_IDENTITY_SECRET');
    if (!isLoopback(host))
      throw new SettingsError(
        `refusing to listen on HOST=${host} with development secrets: set MADOGUCHI_IDENTITY_SECRET`,
      );
    secret = ensureDevelopmentSecrets(dataDir).identitySecret;
  }
  const store = await openStore(storeOptionsFromEnv(process.env, `madoguchi-${module.name}`));
  if (module.onSnapshot) await onSnapshot(store, (change) => module.onSnapshot!(store, change));
  const running = await startSubgraph(module, store, {
    port: Number(process.env.SUBGRAPH_PORT ?? DEFAULT_SUBGRAPH_PORTS[module.name]),
    host,
    identitySecret: secret,
  });
  console.log(`subgraph ${module.name} ready at ${running.url}`);
  const stop = () =>
    running
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(e instanceof Error && e.name === 'SettingsError' ? e.message : e);
  process.exit(1);
});
