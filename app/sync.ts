/**
 * `madoguchi sync [agencyId …] [--force] [--demo] [--watch [--port n]]` (`npm run sync`): syncs
 * the named agencies (all by default) into the store (DATABASE_URL, else MADOGUCHI_DATA_DIR) and
 * prints what landed, what was refused and what failed. `--demo` starts the demo agencies'
 * systems on a free port for the run (and generates their consultation logs); without it nothing
 * of the demo is loaded. `--watch` keeps going as the deployment's sync leader: each source on its
 * interval (failures retried with backoff), with /healthz, /readyz and /metrics (per-source sync
 * metrics) on `--port`, until SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { resolve } from 'node:path';
import { AgencyConfigError, loadAgencyConfigs, type AgencyConfig } from '../adapters/core/config';
import { createAdapterContext, type AdapterContext } from '../adapters/core/adapter';
import { openStore, type Store } from '../store/store';
import { syncAll, type SyncReport } from '../adapters/sync/sync';
import { scheduleSyncs } from '../adapters/sync/scheduler';
import { createSyncMetrics, healthRoutes } from '../server/processMetrics';
import { closeColumnar } from '../store/columnar';
import { describeRejection } from '../adapters/sync/pipeline';
import { createProgressLogger } from '../adapters/sync/progress';
import { begin } from './process';
import { storeOptionsOf } from './store';

export interface SyncArgs {
  agencies: string[];
  force: boolean;
  demo: boolean;
  /** Keep syncing on the sources' intervals, serving health and metrics on `port`. */
  watch?: boolean;
  port?: number;
}

/** Runs the sync; resolves to the exit code (2: bad agency file or id, 1: a source failed). */
export async function runSync(args: SyncArgs): Promise<number> {
  const { settings, logger } = begin({
    service: 'sync',
    quiet: !args.watch,
    stderr: !args.watch,
    demo: () => args.demo,
  });
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
    const ctx = createAdapterContext({ logger: args.watch ? logger : createProgressLogger(), env });
    try {
      const reports = await syncAll(store, agencies, ctx, {
        force: args.force,
        workers: settings.syncWorkers === 'auto' ? undefined : settings.syncWorkers,
        leaseTtlMs: settings.leaseTtlMs,
      });
      for (const r of reports) {
        const filtered =
          (r.filtered > 0 ? `, ${r.filtered} left out by where:` : '') +
          (r.skipped.length > 0 ? `, ${r.skipped.length} skipped as not records` : '');
        const tail =
          r.outcome === 'failed'
            ? `FAILED: ${r.error}`
            : r.outcome === 'skipped'
              ? `(${r.error})`
              : r.listedBy
                ? `(the agency's entry comes from ${r.listedBy})`
                : r.kept
                  ? `since ${r.kept.since ?? 'its first sync'}: ${r.kept.accepted} accepted, ${r.kept.refused} rejected`
                  : `${r.accepted} accepted, ${r.rejected.length} rejected${filtered}`;
        console.log(`${r.sourceId.padEnd(32)} ${r.outcome.padEnd(9)} ${tail} (${r.durationMs} ms)`);
        if (r.kept?.refused)
          console.log("    (refused by that sync: the source's rejectedRows in the graph; --force reads it again)");
        for (const x of r.rejected.slice(0, 20)) console.log(`    ${describeRejection(x)}`);
        if (r.rejected.length > 20) console.log(`    … ${r.rejected.length - 20} more`);
        for (const x of r.skipped.slice(0, 20)) console.log(`    skipped row ${x.row}: ${x.reason}`);
        for (const w of r.warnings)
          console.log(
            `    warning: ${w.count} × ${w.field}: ${w.message} (e.g. row ${w.rows[0]} ${JSON.stringify(w.values[0])})`,
          );
      }
      if (args.watch) return await watch(store, agencies, ctx, reports, args.port ?? 4020, settings.host, logger);
      return reports.some((r) => r.outcome === 'failed') ? 1 : 0;
    } finally {
      // The growth refresh after the logs grouped on a columnar mirror: closed before the store.
      await closeColumnar(store);
      await store.close();
    }
  } finally {
    await demo?.close();
  }
}

/** The sync leader's life after its first run: the schedule, health and metrics, until a signal. */
async function watch(
  store: Store,
  agencies: AgencyConfig[],
  ctx: AdapterContext,
  first: SyncReport[],
  port: number,
  host: string,
  logger: Logger,
): Promise<number> {
  const metrics = createSyncMetrics();
  for (const r of first) metrics.record(r);
  let draining = false;
  const scheduler = scheduleSyncs(store, agencies, ctx, (r) => metrics.record(r), {
    initial: Promise.resolve(first),
  });
  const routes = healthRoutes({
    draining: () => draining,
    checks: { store: () => store.query('select 1').then(() => undefined) },
  });
  const server = createServer((req, res) => {
    const route = routes.find(
      (r) => r.method === req.method && r.path === new URL(req.url ?? '/', 'http://x').pathname,
    );
    if (route) return void route.handle(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  logger.info({ url: `http://${host}:${address.port}` }, `sync leader ready at http://${host}:${address.port}/healthz`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  draining = true;
  scheduler.stop();
  await new Promise((resolve) => server.close(resolve));
  return 0;
}
