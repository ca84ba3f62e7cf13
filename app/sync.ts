/**
 * `madoguchi sync [agencyId …] [--force] [--demo]` (`npm run sync`): syncs the named agencies (all
 * by default) into the store (DATABASE_URL, else MADOGUCHI_DATA_DIR) and prints what landed, what
 * was refused and what failed. `--demo` starts the demo agencies' systems on a free port for the
 * run (and generates their consultation logs); without it nothing of the demo is loaded.
 */
import { resolve } from 'node:path';
import { AgencyConfigError, loadAgencyConfigs } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { openStore } from '../store/store';
import { syncAll } from '../adapters/sync/sync';
import { describeRejection } from '../adapters/sync/pipeline';
import { createProgressLogger } from '../adapters/sync/progress';
import { begin } from './process';
import { storeOptionsOf } from './store';

export interface SyncArgs {
  agencies: string[];
  force: boolean;
  demo: boolean;
}

/** Runs the sync; resolves to the exit code (2: bad agency file or id, 1: a source failed). */
export async function runSync(args: SyncArgs): Promise<number> {
  const { settings } = begin({ service: 'sync', quiet: true, stderr: true, demo: () => args.demo });
  let all;
  try {
    all = loadAgencyConfigs(resolve(settings.agenciesDir), settings.environment);
  } catch (e) {
    if (!(e instanceof AgencyConfigError)) throw e;
    console.error(e.message);
    return 2;
  }
  const unknown = args.agencies.filter((w) => !all.some((a) => a.id === w));
  if (unknown.length) {
    console.error(`unknown agency id(s): ${unknown.join(', ')}; known: ${all.map((a) => a.id).join(', ')}`);
    return 2;
  }
  // Loaded only when asked: the product's own command never imports the demo otherwise.
  const demo = args.demo ? await (await import('../demo')).startDemo(settings.environment) : null;
  try {
    const env = demo?.env ?? settings.environment;
    // Read again with the demo's URL when it runs: the agency files point at it.
    const agencies = (demo ? loadAgencyConfigs(resolve(settings.agenciesDir), env) : all).filter(
      (a) => args.agencies.length === 0 || args.agencies.includes(a.id),
    );
    const store = await openStore(storeOptionsOf(settings, 'madoguchi-sync'));
    try {
      const reports = await syncAll(store, agencies, createAdapterContext({ logger: createProgressLogger(), env }), {
        force: args.force,
        workers: settings.syncWorkers === 'auto' ? undefined : settings.syncWorkers,
        leaseTtlMs: settings.leaseTtlMs,
      });
      for (const r of reports) {
        const filtered = r.filtered > 0 ? `, ${r.filtered} left out by where:` : '';
        const tail =
          r.outcome === 'failed'
            ? `FAILED: ${r.error}`
            : r.outcome === 'skipped'
              ? `(${r.error})`
              : `${r.accepted} accepted, ${r.rejected.length} rejected${filtered}`;
        console.log(`${r.sourceId.padEnd(32)} ${r.outcome.padEnd(9)} ${tail} (${r.durationMs} ms)`);
        for (const x of r.rejected.slice(0, 20)) console.log(`    ${describeRejection(x)}`);
        if (r.rejected.length > 20) console.log(`    … ${r.rejected.length - 20} more`);
        for (const w of r.warnings)
          console.log(
            `    warning: ${w.count} × ${w.field}: ${w.message} (e.g. row ${w.rows[0]} ${JSON.stringify(w.values[0])})`,
          );
      }
      return reports.some((r) => r.outcome === 'failed') ? 1 : 0;
    } finally {
      await store.close();
    }
  } finally {
    await demo?.close();
  }
}
