/** Which store a process opens, from its settings: PostgreSQL at DATABASE_URL, else PGlite in MADOGUCHI_DATA_DIR. */
import { resolve } from 'node:path';
import type { OpenStoreOptions } from '../store/store';
import type { Settings } from '../server/settings';

export function storeOptionsOf(
  settings: Pick<Settings, 'databaseUrl' | 'dataDir' | 'pgPoolSize'>,
  applicationName: string,
): OpenStoreOptions {
  if (settings.databaseUrl)
    return { databaseUrl: settings.databaseUrl, postgres: { poolSize: settings.pgPoolSize, applicationName } };
  return { dataDir: resolve(settings.dataDir) };
}
