/**
 * One contender of `bench/gateway.ts`, in a process of its own, on PORT, serving the supergraph
 * in BENCH_SUPERGRAPH: `madoguchi` (this project's gateway, configured from the environment like
 * `npm run start:gateway`: its settings, the identity secret among them, from the environment) or `stock` (@apollo/gateway under @apollo/server's standalone server,
 * every option at its default). Prints READY once it listens.
 */
import { readFileSync } from 'node:fs';
import { print } from 'graphql';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import pino from 'pino';
import { startGateway } from '../gateway/gateway';
import { liveDeclarationsOf, liveSettingsOf } from '../app/live';
import { parseSettings } from '../server/settings';
import { SUBGRAPHS } from '../subgraphs';
import { BENCH_SUBGRAPHS } from './gateway-subgraphs';

async function main(): Promise<void> {
  const kind = process.argv[2];
  const port = Number(process.env.PORT);
  const supergraphSdl = readFileSync(process.env.BENCH_SUPERGRAPH!, 'utf8');
  if (kind === 'madoguchi') {
    // BENCH_LIVE_AGENCIES: a folder of agency files declaring live sources, composed beside the rest.
    const agencies = process.env.BENCH_LIVE_AGENCIES;
    const sdlOf = new Map([...SUBGRAPHS, ...BENCH_SUBGRAPHS].map((m) => [m.name, print(m.typeDefs)]));
    const settings = parseSettings(process.env, { envFile: false });
    await startGateway({
      settings,
      supergraphSdl,
      port,
      host: '127.0.0.1',
      logger: pino({ level: settings.logLevel }),
      live: agencies
        ? {
            declarations: liveDeclarationsOf(agencies, process.env),
            builtinSdl: (name) => sdlOf.get(name)!,
            settings: liveSettingsOf(settings),
          }
        : undefined,
    });
  } else if (kind === 'stock') {
    const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
    await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  } else {
    throw new Error(`unknown contender "${kind}"`);
  }
  console.log('READY');
  // An orderly exit (which also lets --cpu-prof write its profile).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
