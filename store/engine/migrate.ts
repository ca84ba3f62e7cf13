/**
 * Versioned schema migrations, frozen as plain SQL: `migrations/<version>-<slug>.sql`, one file
 * per version, run once each in version order and recorded in schema_migrations. A migration is
 * the SQL it says and nothing else — it never calls into the project's code, so what migration 11
 * does cannot change when today's code does (a test, engine/migrate.test.ts, builds a store from
 * them and compares it with what the code reads and writes). Plain PostgreSQL, so the same files
 * serve PGlite and a server.
 *
 * Adding a migration is one new file here, nothing else: `migrations/061-what-it-does.sql`, its
 * version the number it starts with (unique; gaps allowed; each team has a range, see the lead's
 * notes), its first line `-- <name>` (recorded with the version), then comments saying why, then
 * statements each ending with `;` at the end of a line (a `;` elsewhere on a line, as inside a
 * `$$ … $$` body, is not a boundary). Never edit or renumber a migration once it is on main:
 * installs have run it; change the schema with a new one.
 *
 * Several processes may start at once on one server: the pending migrations run in one
 * transaction holding an advisory lock, so one process applies them and the others wait, then
 * find nothing left to do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from './store';

export interface Migration {
  version: number;
  name: string;
  /** The statements in order, comments left out. */
  statements: string[];
}

const DIR = join(__dirname, 'migrations');
const FILE = /^(\d{3})-[a-z0-9-]+\.sql$/;

/** Reads a migration file; throws naming the file when it does not follow the rules above. */
export function parseMigration(file: string, text: string): Migration {
  const match = FILE.exec(file);
  if (!match) throw new Error(`${file}: a migration file is named <3-digit version>-<slug>.sql`);
  const first = text.split('\n', 1)[0];
  if (!first.startsWith('-- ') || first.length <= 3) throw new Error(`${file}: the first line must be "-- <name>"`);
  const body = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  // Extended-protocol queries take one statement each.
  const statements = body
    .split(/;[ \t]*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (statements.length === 0) throw new Error(`${file}: no statements`);
  return { version: Number(match[1]), name: first.slice(3).trim(), statements };
}

let cached: Migration[] | undefined;

/** Every migration, in version order. */
export function migrations(): Migration[] {
  if (cached) return cached;
  const list = readdirSync(DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => parseMigration(f, readFileSync(join(DIR, f), 'utf8')))
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < list.length; i++) {
    if (list[i].version === list[i - 1].version) throw new Error(`two migrations have version ${list[i].version}`);
  }
  cached = list;
  return list;
}

/** Taken for the length of the migration transaction (an arbitrary constant of this project). */
const MIGRATION_LOCK = 7_341_017;

/** Applies the migrations the store has not run, up to `upTo` (every one by default); resolves to their versions. */
export async function migrate(store: Store, upTo = Number.POSITIVE_INFINITY): Promise<number[]> {
  const wanted = migrations().filter((m) => m.version <= upTo);
  // Up to date already (every start but the first): no lock, no write.
  const known = await store
    .query<{ version: number }>('select version from schema_migrations')
    .then((rows) => new Set(rows.map((r) => r.version)))
    .catch(() => new Set<number>());
  if (wanted.every((m) => known.has(m.version))) return [];
  return applyMigrations(store, wanted).catch(async (e: unknown) => {
    throw await explainMigrationError(store, e);
  });
}

/**
 * A migration refused for want of CREATE on schema public (SQLSTATE 42501: since PostgreSQL 15
 * only the database's owner, or a role granted CREATE, may create tables there) becomes an error
 * saying what to do, naming the role and database; any other error is returned as it is.
 */
export async function explainMigrationError(store: Pick<Store, 'query'>, e: unknown): Promise<unknown> {
  const { code, message } = (e ?? {}) as { code?: string; message?: string };
  if (code !== '42501' || !/schema public/.test(message ?? '')) return e;
  const who = await store
    .query<{ role: string; database: string }>('select current_user as role, current_database() as database')
    .then((rows) => rows[0])
    .catch(() => undefined);
  const role = who?.role ?? '<role>';
  const database = who?.database ?? '<database>';
  return new Error(
    `the migrations cannot create tables: ${message}. The database must be owned by the role Madoguchi connects as ` +
      `(createdb -O ${role} ${database}, or ALTER DATABASE ${database} OWNER TO ${role}), or that role needs ` +
      `CREATE on schema public (GRANT CREATE ON SCHEMA public TO ${role}, run in ${database} by its owner): ` +
      'since PostgreSQL 15 other roles may not create in schema public',
    { cause: e },
  );
}

/** The pending migrations in one transaction under the advisory lock. */
async function applyMigrations(store: Store, wanted: Migration[]): Promise<number[]> {
  return store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      `create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())`,
    );
    const done = new Set(
      (await tx.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version),
    );
    const applied: number[] = [];
    for (const m of wanted) {
      if (done.has(m.version)) continue;
      for (const statement of m.statements) await tx.query(statement);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
