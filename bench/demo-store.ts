/**
 * The demo store the desk's benches measure: the demo agencies synced through the real adapters
 * from their local systems, with the consultation log the tests use (TEST_CONSULTATIONS rows,
 * which the judged firms were chosen from), stamped with the tests' fixed clock.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { loadAgencyConfigs, type AgencyConfig } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { syncAll } from '../adapters/sync/sync';
import { writeConsultationFiles } from '../demo/consultations';
import { startDemoAgencyServers } from '../demo/servers';
import { openStore, type Store } from '../store/store';
import { FIXED_NOW, TEST_CONSULTATIONS } from '../test/support/paths';

export async function demoStore(): Promise<{ store: Store; agencies: AgencyConfig[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-'));
  await writeConsultationFiles(dir, { total: TEST_CONSULTATIONS });
  const servers = await startDemoAgencyServers({ port: 0, now: () => FIXED_NOW });
  const agencies = loadAgencyConfigs(resolve(__dirname, '..', 'agencies'), {
    ...process.env,
    MADOGUCHI_CONSULTATION_DIR: dir,
    MADOGUCHI_DEMO_URL: servers.baseUrl,
  });
  const store = await openStore();
  try {
    await syncAll(store, agencies, createAdapterContext({ clock: () => FIXED_NOW }));
  } finally {
    await servers.close();
  }
  return { store, agencies };
}

/**
 * Syncs the demo agencies' sources of these entities into `store` through the real adapters from
 * their local servers (started and stopped here), on a fixed clock; throws naming every source
 * that failed.
 */
export async function syncDemoSources(
  store: Store,
  entities: ReadonlyArray<AgencyConfig['sources'][number]['entity']>,
  now: Date,
): Promise<void> {
  const servers = await startDemoAgencyServers({ port: 0, now: () => now });
  try {
    const env = { ...process.env, MADOGUCHI_DEMO_URL: servers.baseUrl };
    const agencies = loadAgencyConfigs(resolve(__dirname, '..', 'agencies'), env).map((a) => ({
      ...a,
      sources: a.sources.filter((s) => entities.includes(s.entity)),
    }));
    const reports = await syncAll(
      store,
      agencies,
      createAdapterContext({ clock: () => now, logger: pino({ level: 'silent' }) }),
    );
    const failed = reports.filter((r) => r.outcome === 'failed');
    if (failed.length)
      throw new Error(`demo sync failed: ${failed.map((f) => `${f.sourceId}: ${f.error}`).join('; ')}`);
  } finally {
    await servers.close();
  }
}
