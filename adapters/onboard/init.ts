/**
 * `madoguchi agency init <path-or-URL> [--entity program|consultation|organization] [--id ID]
 * [--name NAME] [--kind spreadsheet|api|website] [--location TEXT] [--out FILE]` (`npm run
 * agency:init`, arguments parsed by app/cli.ts): proposes a
 * complete agency file for a source Madoguchi has never seen — how to read it, which column feeds
 * which field, vocabulary maps from the values it holds, the id strategy and why — with a comment
 * on every column left out and on everything it is unsure of. The usual file runs as printed:
 * `npm run agency:check` on it shows what a sync would do.
 *
 * The file goes to stdout, or to `--out`. A location that is a local path is written relative to
 * the agency file's folder (the folder of `--out`, or of the file stdout is redirected to),
 * absolute otherwise; `--location` writes any text instead (say `${PROGRAMS_CSV}`).
 *
 * A GraphQL endpoint or an OpenAPI 3 document (unless `--kind` says otherwise) is an agency's own
 * service: init proposes the live source that joins it to the graph (./live).
 */
import { fstatSync, ftruncateSync, readlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { EntityKind } from '../../domain/records';
import { AdapterError, createAdapterContext } from '../core/adapter';
import type { MappingRule } from '../core/mapping';
import { readSample, withoutNonRecords, type Sample, type SourceKindName } from './sample';
import { agencyKindOf } from './kinds';
import { propose } from './propose';
import type { Proposal } from './types';
import { describeRejection, topReasons } from '../sync/pipeline';
import { detectLiveService, renderLiveAgency } from './live';

export interface InitOptions {
  source: string;
  entity: EntityKind;
  id?: string;
  name?: string;
  kind?: SourceKindName;
  /** The location as the YAML writes it; default: derived from `source` and `outDir`. */
  location?: string;
  /** Folder the agency file will live in, for relative locations. */
  outDir?: string;
}

const SOURCE_IDS: Record<EntityKind, string> = {
  program: 'programs',
  organization: 'directory',
  consultation: 'consultations',
  committee: 'committee-minutes',
};

/** A slug from a file or host name: lower-case ASCII words joined by hyphens. */
export function slugOf(text: string): string {
  const slug = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\.[a-z0-9]+$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z0-9]/.test(slug) ? slug.slice(0, 60).replace(/-+$/, '') : 'new-agency';
}

// Scalars as YAML writes them (quoted where YAML needs it), on one line.
const scalar = (v: unknown): string => stringify(v, { lineWidth: 0, defaultStringType: 'PLAIN' }).trimEnd();

function comment(lines: string[], indent: string, text: string): void {
  for (const line of text.split('\n')) lines.push(`${indent}# ${line}`);
}

function renderEntry(lines: string[], indent: string, field: string, entry: string | MappingRule): void {
  if (typeof entry === 'string') {
    lines.push(`${indent}${field}: ${scalar(entry)}`);
    return;
  }
  // Small rules stay on one line; rules with a map are written out, one value per line.
  const { map, ...rest } = entry;
  if (!map) {
    lines.push(`${indent}${field}: ${stringify(rest, { flow: true, lineWidth: 0 }).trimEnd()}`);
    return;
  }
  lines.push(`${indent}${field}:`);
  for (const [k, v] of Object.entries(rest))
    if (k !== 'default')
      lines.push(
        `${indent}  ${k}: ${typeof v === 'object' ? stringify(v, { flow: true, lineWidth: 0 }).trimEnd() : scalar(v)}`,
      );
  lines.push(`${indent}  map:`);
  for (const [k, v] of Object.entries(map)) lines.push(`${indent}    ${scalar(k)}: ${v === null ? 'null' : scalar(v)}`);
  if ('default' in entry) lines.push(`${indent}  default: ${entry.default === null ? 'null' : scalar(entry.default)}`);
}

export function renderAgency(
  opts: Required<Pick<InitOptions, 'entity'>> & { id: string; name: string; location: string; source: string },
  sample: Sample,
  proposal: Proposal,
): string {
  const lines: string[] = [];
  comment(lines, '', `Proposed by agency:init from ${opts.source}`);
  for (const line of outcomeLines(proposal)) comment(lines, '', line);
  for (const n of [...sample.notes, ...proposal.notes]) comment(lines, '', n);
  lines.push(`id: ${scalar(opts.id)}`);
  lines.push(`name: ${scalar(opts.name)}`);
  comment(lines, '', 'The agency itself, as the directory shows it when no directory source lists it:');
  lines.push('organization:');
  lines.push(`  name: ${scalar(opts.name)}`);
  const own = agencyKindOf(opts.name);
  lines.push(`  kind: ${scalar(own.kind)}`);
  if (own.municipality) lines.push(`  municipality: ${scalar(own.municipality)}`);
  else comment(lines, '  ', 'municipality: (its 全国地方公共団体コード or name)');
  comment(lines, '  ', 'address: ');
  comment(lines, '  ', 'url: ');
  lines.push('sources:');
  lines.push(`  - id: ${SOURCE_IDS[opts.entity]}`);
  lines.push(`    kind: ${sample.kind}`);
  lines.push(`    entity: ${opts.entity}`);
  lines.push(`    location: ${scalar(opts.location)}`);
  for (const [key, value, why] of sample.settings) {
    if (why) comment(lines, '    ', why);
    if (value && typeof value === 'object') {
      lines.push(`    ${key}:`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        lines.push(
          `      ${scalar(k)}: ${typeof v === 'object' ? stringify(v, { flow: true, lineWidth: 0 }).trimEnd() : scalar(v)}`,
        );
      }
    } else {
      lines.push(`    ${key}: ${scalar(value)}`);
    }
  }
  lines.push('    mapping:');
  for (const m of proposal.mapping) {
    for (const n of m.notes) comment(lines, '      ', n);
    renderEntry(lines, '      ', m.field, m.entry);
  }
  if (proposal.unmapped.length > 0) {
    comment(lines, '    ', 'Columns left out:');
    for (const u of proposal.unmapped) comment(lines, '    ', `  ${u.column}: ${u.note}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What the proposal does on the file: how many rows land, and each kind of refusal counted with an
 * example; then every mapped column some of whose cells its field cannot read, and what becomes of
 * those rows. Said at the top of the YAML and on stderr alike, so no refusal goes unseen.
 */
export function outcomeLines(proposal: Proposal): string[] {
  const { accepted, rows } = proposal.expected;
  const rejected = proposal.rejected;
  if (rejected.length === 0)
    return [`On that file: ${accepted} of ${rows} rows would land (npm run agency:check -- <this file> shows them).`];
  const lines = [
    `On that file: ${accepted} of ${rows} rows would land and ${rejected.length} would be refused (npm run agency:check -- <this file> shows them):`,
  ];
  for (const t of topReasons(rejected, 8))
    lines.push(`  ${t.count} × ${describeRejection({ ...t.example, reasons: undefined })}`);
  for (const p of proposal.cellProblems) {
    const what =
      p.policy === 'refuse'
        ? `${p.rows} row(s) refused`
        : `${p.rows} row(s) land without ${p.field}, with a warning (invalid: null)`;
    lines.push(
      `  "${p.column}" (${p.field}) is mapped although some cells cannot be read: ${what}, e.g. ${p.examples.map((e) => `row ${e.row} ${JSON.stringify(e.value)}`).join(', ')}`,
    );
  }
  return lines;
}

/** Proposes the agency file's text for a source. */
export async function initAgency(opts: InitOptions): Promise<{ yaml: string; proposal: Proposal; sample: Sample }> {
  const isUrl = /^https?:\/\//.test(opts.source);
  const path = isUrl ? opts.source : resolve(opts.source);
  const sample = withoutNonRecords(await readSample(path, { kind: opts.kind, ctx: createAdapterContext() }));
  const base = isUrl ? new URL(opts.source).hostname : basename(opts.source);
  const id = opts.id ?? slugOf(base);
  const proposal = propose(sample, opts.entity, id);
  const name = opts.name ?? base;
  const location = opts.location ?? (isUrl ? opts.source : opts.outDir ? relative(opts.outDir, path) || '.' : path);
  const yaml = renderAgency(
    { entity: opts.entity, id, name, location, source: isUrl ? opts.source : basename(opts.source) },
    sample,
    proposal,
  );
  return { yaml, proposal, sample };
}

/** The file stdout was redirected to (`> agencies/x.yaml`), if it is one. */
function stdoutFile(): string | null {
  try {
    if (!fstatSync(1).isFile()) return null;
    const target = readlinkSync('/proc/self/fd/1');
    return isAbsolute(target) && /\.ya?ml$/.test(target) ? target : null;
  } catch {
    return null;
  }
}

/** The command as it runs: the proposal to stdout (or `out`); resolves to the exit code. */
export async function initAgencyCommand(args: InitOptions & { out?: string }): Promise<number> {
  // Where the file will live decides its id (the file name) and how a local path is written.
  const target = args.out ? resolve(args.out) : stdoutFile();
  const id = args.id ?? (target ? basename(target).replace(/\.ya?ml$/, '') : undefined);
  try {
    // An agency's own GraphQL service or OpenAPI document joins live, as it is (./live).
    const live = args.kind
      ? null
      : await detectLiveService(args.source, createAdapterContext().fetch, target ? dirname(target) : undefined);
    if (live) {
      const base = /^https?:\/\//.test(args.source) ? new URL(args.source).hostname : basename(args.source);
      const yaml = renderLiveAgency(live, { id: id ?? slugOf(base), name: args.name ?? base });
      if (args.out) writeFileSync(args.out, yaml);
      else writeStdout(yaml);
      console.error(
        `agency:init: ${live.kind === 'openapi' ? 'an OpenAPI 3 document' : 'a GraphQL endpoint'}: proposed a live source (kind ${live.kind})`,
      );
      return 0;
    }
    const { yaml, proposal } = await initAgency({ ...args, id, outDir: target ? dirname(target) : undefined });
    if (args.out) writeFileSync(args.out, yaml);
    else writeStdout(yaml);
    console.error(
      `agency:init: ${proposal.mapping.length} field(s) mapped, ${proposal.unmapped.length} column(s) left out; ${proposal.expected.accepted} of ${proposal.expected.rows} rows would land`,
    );
    if (proposal.rejected.length > 0 || proposal.cellProblems.length > 0)
      for (const line of outcomeLines(proposal).slice(1)) console.error(`agency:init: ${line}`);
    return 0;
  } catch (e) {
    const message = e instanceof AdapterError || e instanceof Error ? e.message : String(e);
    console.error(`agency:init: ${message.split(`${process.cwd()}/`).join('')}`);
    return 1;
  }
}

/**
 * `npm run` prints its banner to stdout before the script starts; redirected into a file, it
 * would open the YAML with lines YAML cannot read. When stdout is a file, the file gets the YAML
 * alone.
 */
function writeStdout(text: string): void {
  try {
    if (fstatSync(1).isFile()) {
      ftruncateSync(1, 0);
      writeSync(1, text, 0, 'utf8');
      return;
    }
  } catch {
    // Not a file we can rewrite: written as a stream below.
  }
  process.stdout.write(text);
}
