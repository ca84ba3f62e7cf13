/**
 * The PostgreSQL start of docs/operations.md on a database the connecting role does not own, as
 * an operator following an older habit makes it (`createdb madoguchi` as the superuser): since
 * PostgreSQL 15 the role may not create tables in schema public, and the first migration is
 * refused with SQLSTATE 42501. `DATABASE_URL=… npm start` must then stop with an error that says
 * what to do, naming the role and database; once the database is the role's (the documented
 * `ALTER DATABASE … OWNER TO …`), the same store opens and migrates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from '../../store/engine/migrate';
import { openStore } from '../../store/store';
import { ROOT } from '../support/paths';
import { startPostgresServer, type PostgresServer } from '../support/postgres';
import { describeWithPostgres } from '../support/postgres-suite';
import { runToEnd } from '../support/run';
import { withAdmin } from '../support/store';

describeWithPostgres('DATABASE_URL to a database the role does not own', () => {
  let pg: PostgresServer;
  let base: string;
  let url: string;

  beforeAll(async () => {
    pg = await startPostgresServer();
    await withAdmin(pg.url(), async (admin) => {
      await admin.query("create role madoguchi login password 'secret'");
      await admin.query('create database madoguchi');
    });
    url = `postgres://madoguchi:secret@127.0.0.1:${pg.port}/madoguchi`;
    base = mkdtempSync(join(tmpdir(), 'madoguchi-dbowner-'));
  }, 60_000);
  afterAll(async () => {
    await pg?.close();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  test('npm start exits 1 saying the database must be owned by, or grant CREATE on public to, the role', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
    for (const k of Object.keys(env)) if (k.startsWith('MADOGUCHI_') || k.startsWith('npm_')) delete env[k];
    const r = await runToEnd(
      ['npm', 'start'],
      { ...env, DATABASE_URL: url, PORT: '0', MADOGUCHI_DATA_DIR: join(base, 'data'), LOG_FORMAT: 'json' },
      180_000,
      ROOT,
    );
    const out = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(out).toContain('permission denied for schema public');
    expect(out).toContain('createdb -O madoguchi madoguchi');
    expect(out).toContain('ALTER DATABASE madoguchi OWNER TO madoguchi');
    expect(out).toContain('GRANT CREATE ON SCHEMA public TO madoguchi');
  }, 240_000);

  test('once the database is the role’s, the same URL opens and migrates', async () => {
    await withAdmin(pg.url(), (admin) => admin.query('alter database madoguchi owner to madoguchi'));
    const store = await openStore({ databaseUrl: url });
    try {
      const [row] = await store.query<{ n: number }>('select count(*)::int as n from schema_migrations');
      expect(row.n).toBe(migrations().length);
    } finally {
      await store.close();
    }
  }, 120_000);
});
