/**
 * `npm run agency:check -- agencies/<id>.yaml [--source <id>] [--show <n>] [--demo]`: a dry run of one
 * agency file for the agency that writes it. Validates the file, reads each source live, applies
 * the mapping and prints the counts, the first records as they would land and every refused row
 * with its reason — without touching any store. Exits 2 on a bad file, 1 when a source cannot be
 * read (unreachable, malformed, nothing usable), 0 otherwise. `--demo` starts the demo agencies'
 * systems on a free port for the run, for agency files that point at them.
 */
import { resolve } from 'node:path';
import { AgencyConfigError, loadAgencyConfig, type AgencyConfig, type SourceConfig } from '../core/config';
import { AdapterError, createAdapterContext } from '../core/adapter';
import { dropDuplicateIds } from '../../store/ingest';
import type { EntityRecord, RowRejection } from '../../domain/records';
import { KINDS, createAdapter, sourceId, sourceLocation } from './sync';
import { prepareSnapshot } from './prepare';
import { createProgressLogger } from './progress';

interface Args {
  file: string;
  source?: string;
  show: number;
  demo: boolean;
}

function parseArgs(argv: string[]): Args | string {
  let file: string | undefined;
  let source: string | undefined;
  let show = 3;
  let demo = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--source') source = argv[++i];
    else if (a === '--demo') demo = true;
    else if (a === '--show') show = Number(argv[++i]);
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else if (file) return `one agency file at a time (got ${file} and ${a})`;
    else file = a;
  }
  if (!file) return 'usage: npm run agency:check -- agencies/<id>.yaml [--source <id>] [--show <n>] [--demo]';
  if (!Number.isInteger(show) || show < 0) return '--show takes a number of records';
  return { file, source, show, demo };
}

/** A record as it would be stored: provenance left out, empty values dropped. */
function landed(record: EntityRecord): Record<string, unknown> {
  const skip = new Set(['sourceId', 'agencyId', 'sourceKind', 'sourceLocation', 'fetchedAt', 'contentHash']);
  const { id, sourceRow, ...fields } = record;
  const kept = Object.entries(fields).filter(([k, v]) => !skip.has(k) && v !== null && !(Array.isArray(v) && v.length === 0));
  return { id, ...Object.fromEntries(kept), sourceRow };
}

function printRejection(r: RowRejection): void {
  const value = r.value === null ? '' : ` ${JSON.stringify(r.value.length > 80 ? `${r.value.slice(0, 80)}…` : r.value)}`;
  console.log(`    row ${r.row}${r.field ? ` ${r.field}` : ''}${value}: ${r.reason}`);
}

async function checkSource(agency: AgencyConfig, source: SourceConfig, show: number): Promise<boolean> {
  const location = sourceLocation(agency, source);
  console.log(`\n${sourceId(agency, source)}  ${source.kind} → ${source.entity}  ${location}`);
  const started = Date.now();
  try {
    const ctx = createAdapterContext({ logger: createProgressLogger() });
    const outcome = await createAdapter(agency, source)(ctx).read({ etag: null, lastModified: null });
    if (outcome.status !== 'ok') throw new AdapterError('answered "not modified" to an unconditional request', 'MALFORMED');
    const snapshot = prepareSnapshot(agency, source, outcome, {
      sourceId: sourceId(agency, source),
      agencyId: agency.id,
      sourceKind: KINDS[source.kind],
      sourceLocation: location,
      fetchedAt: new Date().toISOString(),
    });
    // Ids another agency already holds can only be seen against a store; repeats within the source can.
    const { accepted, duplicates } = dropDuplicateIds(snapshot.records);
    const rejections = [...snapshot.rejections, ...duplicates].sort((a, b) => a.row - b.row);
    const read = outcome.records.length + outcome.rejections.length;
    console.log(`  read ${read} records in ${Date.now() - started} ms: ${accepted.length} would land, ${rejections.length} would be refused`);
    if (show > 0) {
      console.log(`  first ${Math.min(show, accepted.length)} as they would land:`);
      for (const r of accepted.slice(0, show)) console.log(JSON.stringify(landed(r), null, 2).replace(/^/gm, '    '));
    }
    if (rejections.length > 0) {
      console.log('  refused rows:');
      rejections.forEach(printRejection);
    }
    return true;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split(`${process.cwd()}/`).join('');
    console.log(`  FAILED: ${message}`);
    console.log('  (a sync would keep this source\'s last good data and show it as stale)');
    return false;
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(args);
    return 2;
  }
  const file = resolve(args.file);
  // The demo agencies' systems only when asked: an agency's dry run never starts them otherwise.
  const demo = args.demo ? await (await import('../../demo')).startDemo() : null;
  const env: NodeJS.ProcessEnv = demo?.env ?? { ...process.env };
  if (demo) console.log(`(demo agency systems started at ${demo.baseUrl})`);
  try {
    let agency: AgencyConfig;
    try {
      agency = loadAgencyConfig(file, env);
    } catch (e) {
      if (!(e instanceof AgencyConfigError)) throw e;
      console.error(e.message);
      return 2;
    }
    const sources = args.source ? agency.sources.filter((s) => s.id === args.source) : agency.sources;
    if (sources.length === 0) {
      console.error(`${args.file} has no source "${args.source}"; it has ${agency.sources.map((s) => s.id).join(', ')}`);
      return 2;
    }
    console.log(`${args.file}: ${agency.name} (${agency.id}), ${agency.sources.length} source(s), config valid`);
    let ok = true;
    for (const source of sources) ok = (await checkSource(agency, source, args.show)) && ok;
    return ok ? 0 : 1;
  } finally {
    await demo?.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}

export { main as checkAgency };
