/**
 * Runs once before all tests: builds the two stores the tests start from and dumps them to
 * .test-cache/ — an empty migrated store, and one holding the demo agencies synced through the
 * real adapters from the demo agency servers (with a smaller consultation log) — because
 * creating a PGlite database costs seconds and loading a dump well under one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openStore, dumpStore } from '../store/store';
import { loadAgencyConfigs } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { syncAll } from '../adapters/sync/sync';
import { writeConsultationFiles } from '../demo/consultations';
import { startDemoAgencyServers } from '../demo/servers';
import { CACHE_DIR, TEST_CONSULTATIONS, FIXED_NOW } from './support/paths';

export default async function globalSetup(): Promise<void> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const empty = await openStore();
  writeFileSync(join(CACHE_DIR, 'empty-store.tar'), Buffer.from(await (await dumpStore(empty)).arrayBuffer()));
  await empty.close();

  const consultationDir = join(CACHE_DIR, 'consultations');
  await writeConsultationFiles(consultationDir, { total: TEST_CONSULTATIONS });
  // The agencies' web sites, APIs and files, on a free port for the length of the sync.
  const servers = await startDemoAgencyServers({ port: 0, now: () => FIXED_NOW });
  const agencies = loadAgencyConfigs(resolve(__dirname, '..', 'agencies'), {
    ...process.env,
    MADOGUCHI_CONSULTATION_DIR: consultationDir,
    MADOGUCHI_DEMO_URL: servers.baseUrl,
  });
  const demo = await openStore();
  const reports = await syncAll(demo, agencies, createAdapterContext({ clock: () => FIXED_NOW })).finally(() => servers.close());
  const failed = reports.filter((r) => r.outcome === 'failed');
  if (failed.length) throw new Error(`demo sync failed in test setup: ${failed.map((f) => `${f.sourceId}: ${f.error}`).join('; ')}`);
  writeFileSync(join(CACHE_DIR, 'demo-store.tar'), Buffer.from(await (await dumpStore(demo)).arrayBuffer()));
  await demo.close();
}
