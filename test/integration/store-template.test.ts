/**
 * A first start fills a new data directory from the empty-store template `npm install` wrote,
 * instead of running initdb; a directory that already holds a store is never overwritten.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpStore, openStore } from '../../adapters/store/store';
import { templatePath, writeTemplate } from '../../adapters/store/template';

const appliedAt = async (store: { query<T>(sql: string): Promise<T[]> }) =>
  (await store.query<{ at: string }>(`select applied_at::text as at from schema_migrations where version = 1`))[0].at;

test('a new data directory starts from the template and an existing one keeps its data', async () => {
  if (!existsSync(templatePath())) {
    const fresh = await openStore();
    writeTemplate(Buffer.from(await (await dumpStore(fresh)).arrayBuffer()));
    await fresh.close();
  }
  const template = await openStore({ loadFrom: new Blob([readFileSync(templatePath())]) });
  const templateApplied = await appliedAt(template);
  await template.close();

  const dir = join(mkdtempSync(join(tmpdir(), 'madoguchi-template-')), 'data');
  try {
    const first = await openStore({ dataDir: dir });
    expect(await appliedAt(first)).toBe(templateApplied);
    await first.query(`insert into sources (id, agency_id, name, kind, entity, location) values ('t/s', 't', 's', 'SPREADSHEET', 'program', 'x.csv')`);
    await first.close();

    const again = await openStore({ dataDir: dir });
    expect(await again.query('select id from sources')).toEqual([{ id: 't/s' }]);
    await again.close();
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});
