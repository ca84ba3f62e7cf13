/**
 * `npm run start:gateway`: the gateway alone, on PORT (default 4000), reaching the subgraphs at
 * the supergraph's URLs or SUBGRAPH_<NAME>_URL.
 */
import { startGateway, subgraphUrlsFromEnv } from './gateway';

async function main(): Promise<void> {
  const running = await startGateway({
    port: Number(process.env.PORT ?? 4000),
    host: process.env.HOST ?? '0.0.0.0',
    subgraphUrls: subgraphUrlsFromEnv(),
  });
  console.log(`Madoguchi gateway ready at http://localhost:${running.port}/graphql`);
  const stop = () => running.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
