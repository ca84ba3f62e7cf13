/** Runs once after all tests: on the PostgreSQL pass, drops every database the run made. */
import { TEST_DATABASE_URL, withAdmin } from './support/store';

/** Drops this project's test databases on the server (templates and per-file copies alike). */
export async function dropRunDatabases(serverUrl: string): Promise<void> {
  await withAdmin(serverUrl, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like 'madoguchi\\_test\\_%'`,
    );
    for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
  });
}

export default async function globalTeardown(): Promise<void> {
  if (TEST_DATABASE_URL) await dropRunDatabases(TEST_DATABASE_URL);
}
