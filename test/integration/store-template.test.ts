/**
 * A first start fills a new data directory from the empty-store template `npm install` built,
 * instead of running initdb; a directory that already holds a store is never overwritten, and
 * the template itself is never opened (each data directory gets a copy). The template holds only
 * the store's database, not initdb's two template databases (600 more files to copy).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureStoreTemplate, openStore } from '../../store/store';
import { templatePath } from '../../store/engine/template';

const appliedAt = async (store: { query<T>(sql: string): Promise<T[]> }) =>
  Number(
    (
      await store.query<{ ms: string }>(
        `select (extract(epoch from applied_at) * 1000)::bigint::text as ms from schema_migrations where version = 1`,
      )
    )[0].ms,
  );

const snapshot = (dir: string) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .sort()
    .map((f) => `${f}:${statSync(join(dir, f)).mtimeMs}`);

test('a new data directory starts from the template and an existing one keeps its data', async () => {
  if (!existsSync(templatePath())) await ensureStoreTemplate();
  const before = snapshot(templatePath());
  const opened = new Date();

  const dir = join(mkdtempSync(join(tmpdir(), 'madoguchi-template-')), 'data');
  try {
    const first = await openStore({ dataDir: dir });
    // Migrated when the template was built, not now: no initdb ran for this directory.
    expect(await appliedAt(first)).toBeLessThan(opened.getTime());
    // Only the store's own database is kept: initdb's template databases are not copied each time.
    expect(await first.query('select datname from pg_database order by 1')).toEqual([{ datname: 'postgres' }]);
    expect(readdirSync(join(dir, 'base'))).toHaveLength(1);
    await first.query(
      `insert into sources (id, agency_id, name, kind, entity, location) values ('t/s', 't', 's', 'SPREADSHEET', 'program', 'x.csv')`,
    );
    await first.close();

    const again = await openStore({ dataDir: dir });
    expect(await again.query('select id from sources')).toEqual([{ id: 't/s' }]);
    await again.close();
    expect(snapshot(templatePath())).toEqual(before);
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});
