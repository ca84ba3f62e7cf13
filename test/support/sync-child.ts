/**
 * A syncing process for the leader tests: syncs one source of one agency into DATABASE_URL,
 * waiting while another process holds its lease, and prints its report as one JSON line.
 * `node --import tsx test/support/sync-child.ts <agencyId> <sourceId>`.
 */
import { resolve } from 'node:path';
import { loadAgencyConfigs } from '../../adapters/core/config';
import { createAdapterContext } from '../../adapters/core/adapter';
import { syncSource } from '../../adapters/sync/sync';
import { openStore } from '../../store/store';

async function main(): Promise<void> {
  const [agencyId, sourceName] = process.argv.slice(2);
  const agency = loadAgencyConfigs(resolve(__dirname, '..', '..', 'agencies'), process.env).find(
    (a) => a.id === agencyId,
  )!;
  const source = agency.sources.find((s) => s.id === sourceName)!;
  const store = await openStore({
    databaseUrl: process.env.DATABASE_URL!,
    postgres: { applicationName: process.env.SYNC_CHILD_NAME ?? 'sync-child' },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const report = await syncSource(store, agency, source, createAdapterContext(), {
      force: true,
      leaseTtlMs: Number(process.env.MADOGUCHI_LEASE_TTL_MS ?? 30_000),
    });
    if (report.outcome !== 'skipped' || Date.now() > deadline) {
      console.log(JSON.stringify(report));
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await store.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
