/**
 * The subgraphs every contender of `bench/gateway.ts` queries, in one process of their own:
 * Madoguchi's three subgraphs over a store holding the demo agencies' directory and programmes
 * (synced through the real adapters from the local demo agency servers), and the four benchmark
 * subgraphs. Prints one line `READY {json}` with their URLs and a stats URL counting requests per
 * subgraph (GET for the counts, DELETE to reset them).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStore } from '../../store/store';
import { SUBGRAPHS } from '../../subgraphs';
import { startSubgraph } from '../../subgraphs/server';
import type { RunningServer } from '../../server/http';
import { BENCH_SUBGRAPHS, startBenchSubgraph } from '.';
import { syncDemoSources } from '../demo-store';
import { parseSettings } from '../../server/settings';

export const BENCH_NOW = new Date('2026-11-25T00:30:00Z');

async function main(): Promise<void> {
  const store = await openStore();
  await syncDemoSources(store, ['organization', 'program'], BENCH_NOW);
  const servers: Record<string, RunningServer> = {};
  // The environment's settings: the identity secret the gateway contender signs with among them.
  const settings = parseSettings(process.env, { envFile: false });
  // The peers cannot sign Madoguchi's gateway identity, and every query here is a public one: the
  // subgraphs serve an unsigned request as anonymous (Madoguchi's own gateway still signs, and its
  // requests are still verified), as they would otherwise refuse every peer's.
  for (const module of SUBGRAPHS)
    servers[module.name] = await startSubgraph(module, store, {
      port: 0,
      now: () => BENCH_NOW,
      allowUnsigned: true,
      settings,
    });
  for (const subgraph of BENCH_SUBGRAPHS) servers[subgraph.name] = await startBenchSubgraph(subgraph);
  const counts: Record<string, number> = {};
  for (const [name, s] of Object.entries(servers)) {
    counts[name] = 0;
    s.server.on('request', () => (counts[name] += 1));
  }
  const stats = createServer((req, res) => {
    if (req.method === 'DELETE') for (const name of Object.keys(counts)) counts[name] = 0;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(counts));
  });
  await new Promise<void>((ready) => stats.listen(0, '127.0.0.1', ready));
  const urls = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.url]));
  console.log(`READY ${JSON.stringify({ urls, stats: `http://127.0.0.1:${(stats.address() as AddressInfo).port}/` })}`);
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
