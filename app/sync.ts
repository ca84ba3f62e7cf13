/**
 * `npm run sync -- [agencyId …] [--force] [--demo]`: syncs the named agencies (all by default) into the
 * store (DATABASE_URL, else MADOGUCHI_DATA_DIR) and prints what landed, what was refused and what failed.
 * `--demo` starts the demo agencies' systems on a free port for the run (and generates their
 * consultation logs); without it nothing of the demo is loaded.
 */
import { resolve } from 'node:path';
import { loadAgencyConfigs, AgencyConfigError } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { openStore, storeOptionsFromEnv } from '../store/store';
import { syncAll } from '../adapters/sync/sync';
import { describeRejection } from '../adapters/sync/pipeline';
import { createProgressLogger } from '../adapters/sync/progress';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const agenciesDir = resolve(process.env.MADOGUCHI_AGENCIES_DIR ?? 'agencies');
  // Loaded only when asked: the product's own command never imports the demo otherwise.
  const demo = args.includes('--demo') ? await (await import('../demo')).startDemo() : null;
  try {
    return await syncAgencies(agenciesDir, wanted, force, demo?.env ?? process.env);
  } finally {
    await demo?.close();
  }
}

async function syncAgencies(
  agenciesDir: string,
  wanted: string[],
  force: boolean,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const all = loadAgencyConfigs(agenciesDir, env);
  const unknown = wanted.filter((w) => !all.some((a) => a.id === w));
  if (unknown.length) {
    console.error(`unknown agency id(s): ${unknown.join(', ')}; known: ${all.map((a) => a.id).join(', ')}`);
    return 2;
  }
  const agencies = wanted.length ? all.filter((a) => wanted.includes(a.id)) : all;
  const store = await openStore(storeOptionsFromEnv(process.env, 'madoguchi-sync'));
  try {
    const reports = await syncAll(store, agencies, createAdapterContext({ logger: createProgressLogger() }), { force });
    for (const r of reports) {
      const filtered =
        (r.filtered > 0 ? `, ${r.filtered} left out by where:` : '') +
        (r.skipped.length > 0 ? `, ${r.skipped.length} skipped as not records` : '');
      const tail =
        r.outcome === 'failed'
          ? `FAILED: ${r.error}`
          : r.outcome === 'skipped'
            ? `(${r.error})`
            : `${r.accepted} accepted, ${r.rejected.length} rejected${filtered}`;
      console.log(`${r.sourceId.padEnd(32)} ${r.outcome.padEnd(9)} ${tail} (${r.durationMs} ms)`);
      for (const x of r.rejected.slice(0, 20)) console.log(`    ${describeRejection(x)}`);
      if (r.rejected.length > 20) console.log(`    … ${r.rejected.length - 20} more`);
      for (const x of r.skipped.slice(0, 20)) console.log(`    skipped row ${x.row}: ${x.reason}`);
      for (const w of r.warnings)
        console.log(
          `    warning: ${w.count} × ${w.field}: ${w.message} (e.g. row ${w.rows[0]} ${JSON.stringify(w.values[0])})`,
        );
    }
    return reports.some((r) => r.outcome === 'failed') ? 1 : 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof AgencyConfigError ? e.message : e);
    process.exit(2);
  },
);
