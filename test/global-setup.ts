/**
 * Runs once before all tests: builds the two stores the tests start from — an empty migrated
 * store, and one holding the demo agencies synced through the real adapters from the demo agency
 * servers (with a smaller consultation log). On the embedded pass they are dumped to
 * .test-cache/ (creating a PGlite database costs seconds, loading a dump well under one); on the
 * PostgreSQL pass (DATABASE_URL) they are template databases on that server, which each test
 * file copies (test/support/store.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore, dumpStore, type Store } from '../store/store';
import { loadAgencyConfigs } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { syncAll } from '../adapters/sync/sync';
import { closeColumnar } from '../store/columnar';
import { writeConsultationFiles } from '../demo/consultations';
import { startDemoAgencyServers } from '../demo/servers';
import { CACHE_DIR, TEST_CONSULTATIONS, FIXED_NOW } from './support/paths';
import { POSTGRES_RUN_FILE, TEST_DATABASE_URL, databaseUrl, withAdmin, type PostgresRun } from './support/store';
import { dropRunDatabases } from './global-teardown';

export default async function globalSetup(): Promise<void> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const consultationDir = join(CACHE_DIR, 'consultations');
  await writeConsultationFiles(consultationDir, { total: TEST_CONSULTATIONS });
  if (TEST_DATABASE_URL) await preparePostgres(TEST_DATABASE_URL, consultationDir);
  else await preparePGlite(consultationDir);
}

async function preparePGlite(consultationDir: string): Promise<void> {
  // initdb (seconds) runs at most once: the empty store opens from the install's store template
  // where `npm install` made one, and the demo store starts from the empty store's dump.
  const scratch = mkdtempSync(join(tmpdir(), 'madoguchi-test-setup-'));
  let emptyDump: Blob;
  try {
    const empty = await openStore({ dataDir: scratch });
    emptyDump = await dumpStore(empty);
    await empty.close();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  writeFileSync(join(CACHE_DIR, 'empty-store.tar'), Buffer.from(await emptyDump.arrayBuffer()));
  const demo = await openStore({ loadFrom: emptyDump });
  await syncDemo(demo, consultationDir);
  writeFileSync(join(CACHE_DIR, 'demo-store.tar'), Buffer.from(await (await dumpStore(demo)).arrayBuffer()));
  await demo.close();
}

async function preparePostgres(serverUrl: string, consultationDir: string): Promise<void> {
  // Databases of an earlier run that did not finish (and so never dropped them) go first.
  await dropRunDatabases(serverUrl);
  const prefix = `madoguchi_test_${Date.now().toString(36)}`;
  const run: PostgresRun = { prefix, templates: { empty: `${prefix}_tpl_empty`, demo: `${prefix}_tpl_demo` } };
  await withAdmin(serverUrl, (admin) => admin.query(`create database ${run.templates.empty}`));
  const empty = await openStore({ databaseUrl: databaseUrl(serverUrl, run.templates.empty) });
  await empty.close();
  await withAdmin(serverUrl, (admin) =>
    admin.query(`create database ${run.templates.demo} template ${run.templates.empty}`),
  );
  const demo = await openStore({ databaseUrl: databaseUrl(serverUrl, run.templates.demo) });
  try {
    await syncDemo(demo, consultationDir);
    await demo.query('vacuum analyze');
  } finally {
    await demo.close();
  }
  writeFileSync(POSTGRES_RUN_FILE, JSON.stringify(run));
}

async function syncDemo(store: Store, consultationDir: string): Promise<void> {
  // The agencies' web sites, APIs and files, on a free port for the length of the sync.
  const servers = await startDemoAgencyServers({ port: 0, now: () => FIXED_NOW });
  const agencies = loadAgencyConfigs(resolve(__dirname, '..', 'agencies'), {
    ...process.env,
    MADOGUCHI_CONSULTATION_DIR: consultationDir,
    MADOGUCHI_DEMO_URL: servers.baseUrl,
  });
  let reports: Awaited<ReturnType<typeof syncAll>>;
  try {
    reports = await syncAll(store, agencies, createAdapterContext({ clock: () => FIXED_NOW }));
  } finally {
    // The growth refresh after the logs opened a columnar mirror of the store: closed with it.
    await Promise.all([servers.close(), closeColumnar(store)]);
  }
  const failed = reports.filter((r) => r.outcome === 'failed' || r.outcome === 'skipped');
  if (failed.length)
    throw new Error(
      `demo sync failed in test setup: ${failed.map((f) => `${f.sourceId}: ${f.outcome} ${f.error ?? ''}`).join('; ')}`,
    );
}
