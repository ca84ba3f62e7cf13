/**
 * The subgraphs every contender of `bench/gateway.ts` queries, in one process of their own:
 * Madoguchi's three subgraphs over a store holding the demo agencies' directory and programmes
 * (synced through the real adapters from the local demo agency servers), and the four benchmark
 * subgraphs. Prints one line `READY {json}` with their URLs and a stats URL counting requests per
 * subgraph (GET for the counts, DELETE to reset them).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import pino from 'pino';
import { createAdapterContext } from '../../adapters/core/adapter';
import { loadAgencyConfigs } from '../../adapters/core/config';
import { openStore } from '../../store/store';
import { syncAll } from '../../adapters/sync/sync';
import { startDemoAgencyServers } from '../../demo/servers';
import { SUBGRAPHS } from '../../subgraphs';
import { startSubgraph } from '../../subgraphs/server';
import type { RunningServer } from '../../server/http';
import { BENCH_SUBGRAPHS, startBenchSubgraph } from '.';

export const BENCH_NOW = new Date('2026-11-25T00:30:00Z');

async function main(): Promise<void> {
  const store = await openStore();
  const demo = await startDemoAgencyServers({ port: 0, now: () => BENCH_NOW });
  try {
    const env = { ...process.env, MADOGUCHI_DEMO_URL: demo.baseUrl };
    const agencies = loadAgencyConfigs(resolve(__dirname, '..', '..', 'agencies'), env).map((a) => ({
      ...a,
      sources: a.sources.filter((s) => s.entity === 'organization' || s.entity === 'program'),
    }));
    const reports = await syncAll(
      store,
      agencies,
      createAdapterContext({ clock: () => BENCH_NOW, logger: pino({ level: 'silent' }) }),
    );
    const failed = reports.filter((r) => r.outcome === 'failed');
    if (failed.length)
      throw new Error(`demo sync failed: ${failed.map((f) => `${f.sourceId}: ${f.error}`).join('; ')}`);
  } finally {
    await demo.close();
  }
  const servers: Record<string, RunningServer> = {};
  for (const module of SUBGRAPHS)
    servers[module.name] = await startSubgraph(module, store, { port: 0, now: () => BENCH_NOW });
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
