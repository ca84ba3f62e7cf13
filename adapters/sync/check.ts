/**
 * `madoguchi agency check agencies/<id>.yaml [--json] [--source <id>] [--show <n>] [--demo]`
 * (`npm run agency:check`, arguments parsed by app/cli.ts): a dry
 * run of one agency file for the agency that writes it. Validates the file, then runs the sync of
 * each source — the same read, the same pipeline — with a target that writes nothing, and prints
 * what it would do: rows read, landed, refused (each row once, with its first reason and any
 * further ones), skipped as not records (totals, source lines, notes, each with why) and left out,
 * the top reasons counted, warnings grouped, and the first records as they would land. `--json` prints one JSON document instead. Exits 2 on a bad file, 1 when a
 * source cannot be used (unreachable, malformed, every row refused), 0 otherwise. `--demo` starts
 * the demo agencies' systems on a free port for the run, for agency files that point at them. The
 * command is `madoguchi agency check` (app/cli.ts), which gives it the demo's start.
 */
import { resolve } from 'node:path';
import { AgencyConfigError, loadAgencyConfig, type AgencyConfig, type SourceConfig } from '../core/config';
import { createAdapterContext } from '../core/adapter';
import type { EntityRecord, RowRejection } from '../../domain/records';
import type { LiveSourceCheck } from '../../domain/liveSources';
import { dryRunTarget, sourceLocation, syncDeclaredOrganization, syncSource, type SyncReport } from './sync';
import { describeRejection, topReasons, type WarningGroup } from './pipeline';
import { createProgressLogger } from './progress';
import type { SkippedRow } from './not-records';

export interface CheckArgs {
  file: string;
  source?: string;
  show: number;
  demo: boolean;
  json: boolean;
}

/** A record as it would be stored: provenance left out, empty values dropped. */
function landed(record: EntityRecord): Record<string, unknown> {
  const skip = new Set(['sourceId', 'agencyId', 'sourceKind', 'sourceLocation', 'fetchedAt', 'contentHash']);
  const { id, sourceRow, ...fields } = record;
  const kept = Object.entries(fields).filter(
    ([k, v]) => !skip.has(k) && v !== null && !(Array.isArray(v) && v.length === 0),
  );
  return { id, ...Object.fromEntries(kept), ...(sourceRow === null ? {} : { sourceRow }) };
}

/** One source's dry run as the JSON document lists it. */
export interface SourceCheck {
  id: string;
  kind: SourceConfig['kind'];
  entity: SourceConfig['entity'];
  location: string;
  status: 'ok' | 'failed';
  error?: string;
  /** Rows read (blank rows aside); accepted + rejected + filtered + skipped. */
  read: number;
  accepted: number;
  /** Rows left out by the source's `where:`. */
  filtered: number;
  /** Rows that are not records (a total, a source line, a note, the labels repeated), with why; not refused. */
  skipped: SkippedRow[];
  /** Each refused row once: its first problem, further ones in `reasons`. */
  rejected: RowRejection[];
  warnings: WarningGroup[];
  /** The first records as they would land (`--show`). */
  sample: Array<Record<string, unknown>>;
  durationMs: number;
}

export interface AgencyCheck {
  agency: { id: string; name: string; file: string; organization: Record<string, unknown> | null };
  sources: SourceCheck[];
  /** Live sources (the agency's own services): composed with the built-in subgraphs, one operation called. */
  live: LiveSourceCheck[];
}

/** Checks an agency file's live sources (the app gives it: composing needs the gateway's parts). */
export type LiveChecker = (agency: AgencyConfig, env: NodeJS.ProcessEnv) => Promise<LiveSourceCheck[]>;

function toCheck(agency: AgencyConfig, source: SourceConfig, r: SyncReport): SourceCheck {
  return {
    id: r.sourceId,
    kind: source.kind,
    entity: source.entity,
    location: sourceLocation(agency, source),
    status: r.outcome === 'failed' ? 'failed' : 'ok',
    ...(r.error ? { error: r.error } : {}),
    read: r.read,
    accepted: r.accepted,
    filtered: r.filtered,
    skipped: r.skipped,
    rejected: r.rejected,
    warnings: r.warnings,
    sample: r.sample.map(landed),
    durationMs: r.durationMs,
  };
}

/** Runs the dry run of every (or one) source of an agency file; the file must be valid. */
export async function checkAgencyFile(
  agency: AgencyConfig,
  options: {
    source?: string;
    show?: number;
    logger?: ReturnType<typeof createProgressLogger>;
    checkLive?: LiveChecker;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<AgencyCheck> {
  const ctx = createAdapterContext({ logger: options.logger ?? createProgressLogger() });
  const target = dryRunTarget();
  const organization = await syncDeclaredOrganization(target, agency, ctx);
  const sources = options.source ? agency.sources.filter((s) => s.id === options.source) : agency.sources;
  const checks: SourceCheck[] = [];
  for (const source of sources)
    checks.push(toCheck(agency, source, await syncSource(target, agency, source, ctx, { sample: options.show ?? 3 })));
  const live = options.source ? agency.live.filter((s) => s.id === options.source) : agency.live;
  const liveChecks =
    live.length && options.checkLive ? await options.checkLive({ ...agency, live }, options.env ?? {}) : [];
  return {
    agency: {
      id: agency.id,
      name: agency.name,
      file: agency.file.split(`${process.cwd()}/`).join(''),
      organization: organization.sample[0] ? landed(organization.sample[0]) : null,
    },
    sources: checks,
    live: liveChecks,
  };
}

function printLive(c: LiveSourceCheck): void {
  console.log(`\n${c.id}  ${c.kind} (live)  ${c.location}`);
  console.log(
    c.composed
      ? `  composes with the built-in subgraphs; it adds ${c.fields.length} field(s):`
      : '  LEFT OUT of the graph:',
  );
  for (const e of c.errors) console.log(`    ${e}`);
  if (c.composed) for (const f of c.fields) console.log(`    ${f}`);
  if (c.smoke)
    console.log(
      c.smoke.ok
        ? `  smoke test: ${c.smoke.operation} answered in ${c.smoke.ms} ms: ${JSON.stringify(c.smoke.answer).slice(0, 300)}`
        : `  smoke test: ${c.smoke.operation} FAILED after ${c.smoke.ms} ms: ${c.smoke.error}`,
    );
  else if (c.composed) console.log('  smoke test: no root field without required arguments to call');
}

function printSource(c: SourceCheck, show: number): void {
  console.log(`\n${c.id}  ${c.kind} → ${c.entity}  ${c.location}`);
  if (c.status === 'failed') {
    console.log(`  FAILED: ${c.error}`);
    console.log("  (a sync would keep this source's last good data and show it as stale)");
  } else {
    const filtered = c.filtered > 0 ? `, ${c.filtered} left out by where:` : '';
    const skipped = c.skipped.length > 0 ? `, ${c.skipped.length} skipped as not records` : '';
    console.log(
      `  read ${c.read} rows in ${c.durationMs} ms: ${c.accepted} would land, ${c.rejected.length} would be refused${filtered}${skipped}`,
    );
  }
  if (c.rejected.length > 0) {
    console.log('  top reasons:');
    for (const t of topReasons(c.rejected))
      console.log(`    ${String(t.count).padStart(6)} × ${t.field ? `${t.field}: ` : ''}${t.reason}`);
  }
  if (c.warnings.length > 0) {
    console.log('  warnings (the rows landed):');
    for (const w of c.warnings) {
      const values = w.values.map((v) => JSON.stringify(v)).join(', ');
      console.log(
        `    ${String(w.count).padStart(6)} × ${w.field}: ${w.message} (rows ${w.rows.join(', ')}${w.count > w.rows.length ? ', …' : ''}; ${values})`,
      );
    }
  }
  if (show > 0 && c.sample.length > 0) {
    console.log(`  first ${c.sample.length} as they would land:`);
    for (const r of c.sample) console.log(JSON.stringify(r, null, 2).replace(/^/gm, '    '));
  }
  if (c.skipped.length > 0) {
    console.log('  skipped rows (not records):');
    for (const r of c.skipped) console.log(`    row ${r.row}: ${r.reason}`);
  }
  if (c.rejected.length > 0) {
    console.log('  refused rows:');
    for (const r of c.rejected) {
      console.log(`    ${describeRejection({ ...r, reasons: undefined })}`);
      for (const more of r.reasons ?? [])
        console.log(`      also ${describeRejection({ row: r.row, ...more }).replace(/^row \d+ /, '')}`);
    }
  }
}

/** The demo agencies' systems for `--demo`, given by the app entry (app/cli.ts): adapters never load the demo. */
export type StartDemo = (
  env: NodeJS.ProcessEnv,
) => Promise<{ env: NodeJS.ProcessEnv; baseUrl: string; close(): Promise<void> }>;

/**
 * The dry run as the command runs it, printing what it found; resolves to the exit code. `env`
 * holds the variables the agency file may name (the settings' environment).
 */
export async function checkAgency(
  args: CheckArgs,
  env: NodeJS.ProcessEnv,
  options: { startDemo?: StartDemo; checkLive?: LiveChecker } = {},
): Promise<number> {
  if (args.demo && !options.startDemo) {
    console.error('--demo is not available here: run it as npm run agency:check');
    return 2;
  }
  const file = resolve(args.file);
  // The demo agencies' systems only when asked: an agency's dry run never starts them otherwise.
  const demo = args.demo && options.startDemo ? await options.startDemo(env) : null;
  env = demo?.env ?? env;
  if (demo && !args.json) console.log(`(demo agency systems started at ${demo.baseUrl})`);
  try {
    let agency: AgencyConfig;
    try {
      agency = loadAgencyConfig(file, env);
    } catch (e) {
      if (!(e instanceof AgencyConfigError)) throw e;
      console.error(e.message);
      return 2;
    }
    const ids = [...agency.sources, ...agency.live].map((s) => s.id);
    if (args.source && !ids.includes(args.source)) {
      console.error(`${args.file} has no source "${args.source}"; it has ${ids.join(', ')}`);
      return 2;
    }
    // Progress goes to stderr in both forms; --json keeps stdout one JSON document.
    const result = await checkAgencyFile(agency, {
      source: args.source,
      show: args.show,
      checkLive: options.checkLive,
      env,
    });
    if (args.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      const count = agency.sources.length + agency.live.length;
      console.log(`${args.file}: ${agency.name} (${agency.id}), ${count} source(s), config valid`);
      if (result.agency.organization) console.log(`  its organization: ${JSON.stringify(result.agency.organization)}`);
      for (const c of result.sources) printSource(c, args.show);
      for (const c of result.live) printLive(c);
    }
    return [...result.sources, ...result.live].every((c) => c.status === 'ok') ? 0 : 1;
  } finally {
    await demo?.close();
  }
}
