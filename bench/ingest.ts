/**
 * `npm run bench:ingest`: reading and mapping a large consultation log — 100,000 rows by default
 * (BENCH_INGEST_ROWS, comma-separated sizes) — as CSV and as XLSX, the way a sync would: each row
 * parsed, keyed by header and mapped through the consultation-log layout (dates, vocabularies,
 * 法人番号 check digits, municipality codes). Two ways for each format, side by side:
 *
 *   stream  csv-parse's stream API / exceljs's WorkbookReader, row by row (streamCsv, streamXlsx)
 *   whole   the whole file in memory first (readCsv, readXlsx: what the adapters do today)
 *
 * and, third, `sync`: everything a sync's parse worker does with the file (prepareSource):
 * the whole-file read and mapping, agency-scoped ids and provenance on every record, duplicate
 * ids dropped, the COPY lines and the rollups rendered — the cost a first start waits for.
 *
 * Each run is a child process of its own, so its peak RSS (getrusage maxrss) is its own; the
 * streamed runs get V8's old space capped at 64 MB (BENCH_STREAM_HEAP_MB), so finishing at every
 * size shows that their memory does not grow with the file. The files are generated from the demo's seeded consultation
 * generator into a temp directory.
 */
import { fork } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stream as excelStream } from 'exceljs';
import { parseAgencyConfig, type AgencyConfig, type SpreadsheetSourceConfig } from '../adapters/core/config';
import { sha256 } from '../adapters/core/adapter';
import { prepareSource } from '../adapters/sync/pipeline';
import { mappedColumns } from '../adapters/core/mapping';
import { mapRecord } from '../adapters/core/record';
import type { RawRecord } from '../adapters/core/adapter';
import type { RowRejection } from '../domain/records';
import { readCsv, streamCsv } from '../adapters/spreadsheet/csv';
import { readXlsx, streamXlsx } from '../adapters/spreadsheet/xlsx';
import { isRejection } from '../adapters/spreadsheet/rows';
import { CSV_HEADER, generateConsultationLogs, renderConsultationCsv } from '../demo/consultations';
import { markdownTable } from './report';

const SIZES = (process.env.BENCH_INGEST_ROWS ?? '20000,100000').split(',').map(Number);
const XLSX_HEADER_ROW = 3;
const STREAM_HEAP_MB = Number(process.env.BENCH_STREAM_HEAP_MB ?? 64);
const ROOT = resolve(__dirname, '..');

type Format = 'csv' | 'xlsx';
type Mode = 'stream' | 'whole' | 'sync';

interface Result {
  format: Format;
  mode: Mode;
  rows: number;
  accepted: number;
  rejected: number;
  seconds: number;
  baselineMb: number;
  peakMb: number;
}

/** An agency with one consultation log in the consultation-log layout, as its file would have it. */
function consultationAgency(format: Format): AgencyConfig {
  return parseAgencyConfig(
    `id: bench-agency\nname: ベンチ\nsources:\n  - id: log\n    kind: spreadsheet\n    layout: consultation-log\n    format: ${format}\n    location: x\n${format === 'xlsx' ? `    headerRow: ${XLSX_HEADER_ROW}\n` : ''}`,
    join(ROOT, 'agencies', 'bench-agency.yaml'),
    {},
  );
}

// ---------------------------------------------------------------------------------------------
// Child: one format, one mode, one file
// ---------------------------------------------------------------------------------------------

async function measure(format: Format, mode: Mode, file: string): Promise<Result> {
  const agency = consultationAgency(format);
  const source = agency.sources[0] as SpreadsheetSourceConfig;
  const requiredColumns = mappedColumns(source.mapping);
  const baselineMb = process.memoryUsage().rss / 2 ** 20;
  let rows = 0;
  let accepted = 0;
  let rejected = 0;
  const take = (x: RawRecord | RowRejection) => {
    rows++;
    if (isRejection(x)) return void rejected++;
    const mapped = mapRecord('consultation', source.mapping, x.cells, x.row, 'bench-agency');
    if (mapped.ok) accepted++;
    else rejected++;
  };
  const started = process.hrtime.bigint();
  if (mode === 'stream') {
    const input = createReadStream(file, { highWaterMark: 256 * 1024 });
    const reader =
      format === 'csv'
        ? streamCsv(input, { encoding: 'utf-8', headerRow: 1, delimiter: ',', requiredColumns })
        : streamXlsx(input, { headerRow: XLSX_HEADER_ROW, requiredColumns });
    for await (const x of reader) take(x);
  } else if (mode === 'sync') {
    const body = readFileSync(file);
    const provenance = {
      sourceId: 'bench-agency/log',
      agencyId: agency.id,
      sourceKind: 'SPREADSHEET' as const,
      sourceLocation: file,
      fetchedAt: new Date().toISOString(),
      contentHash: sha256(body),
    };
    const result = await prepareSource({
      agency,
      source,
      input: { body },
      provenance,
      recordKeySecret: 'bench-ingest-record-key-secret',
    });
    if (!result.ok) throw new Error(result.message);
    accepted = result.encoded.ids.length;
    rejected = result.summary.rejected.length;
    rows = result.summary.read;
  } else {
    const bytes = readFileSync(file);
    const { records, rejections } =
      format === 'csv'
        ? readCsv(bytes, { encoding: 'utf-8', headerRow: 1, delimiter: ',', requiredColumns })
        : await readXlsx(bytes, { headerRow: XLSX_HEADER_ROW, requiredColumns });
    records.forEach(take);
    rejections.forEach(take);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // maxRSS is in kilobytes on Linux.
  return { format, mode, rows, accepted, rejected, seconds, baselineMb, peakMb: process.resourceUsage().maxRSS / 1024 };
}

// ---------------------------------------------------------------------------------------------
// Parent: generate the files, run each case in its own process, print the table
// ---------------------------------------------------------------------------------------------

function consultationRows(total: number) {
  return [...generateConsultationLogs({ total }).values()].flat();
}

async function writeFiles(dir: string, total: number): Promise<{ csv: string; xlsx: string }> {
  const rows = consultationRows(total);
  const csv = join(dir, `consultations-${total}.csv`);
  writeFileSync(csv, renderConsultationCsv(rows), 'utf8');
  // The workbook is written row by row too, with a title block above the header as agencies do.
  const xlsx = join(dir, `consultations-${total}.xlsx`);
  const workbook = new excelStream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('相談記録');
  sheet.addRow(['相談記録（令和7年度）']).commit();
  sheet.addRow([]).commit();
  sheet.addRow(CSV_HEADER.split(',')).commit();
  for (const r of rows) {
    sheet
      .addRow([
        r.number,
        r.receivedAt,
        r.channel,
        r.topics.join('、'),
        r.corporateNumber,
        r.companyName,
        r.industry,
        r.employees,
        r.municipalityCode,
        r.summary,
        r.consultant,
        r.outcome,
        r.referredTo,
      ])
      .commit();
  }
  sheet.commit();
  await workbook.commit();
  return { csv, xlsx };
}

function runChild(format: Format, mode: Mode, file: string): Promise<Result> {
  return new Promise((resolveRun, reject) => {
    const execArgv =
      mode === 'stream' ? [...process.execArgv, `--max-old-space-size=${STREAM_HEAP_MB}`] : process.execArgv;
    const child = fork(__filename, ['--child', format, mode, file], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (m) => resolveRun(m as Result));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${format}/${mode} child exited with ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-ingest-'));
  try {
    const results: Result[] = [];
    const sizes: Record<string, string> = {};
    for (const total of SIZES) {
      const files = await writeFiles(dir, total);
      for (const format of ['csv', 'xlsx'] as const) {
        sizes[`${format}-${total}`] = (statSync(files[format]).size / 2 ** 20).toFixed(1);
        for (const mode of ['stream', 'whole', 'sync'] as const)
          results.push(await runChild(format, mode, files[format]));
      }
    }
    // Each reader against reading the whole file and mapping it, in the same run.
    const whole = (r: Result) => results.find((w) => w.format === r.format && w.rows === r.rows && w.mode === 'whole')!;
    const rows = results.map((r) => [
      r.format,
      r.mode,
      r.rows.toLocaleString('en-US'),
      sizes[`${r.format}-${r.rows}`] ?? '?',
      r.seconds.toFixed(2),
      (r.seconds / whole(r).seconds).toFixed(2),
      Math.round(r.rows / r.seconds).toLocaleString('en-US'),
      r.peakMb.toFixed(0),
      (r.peakMb - r.baselineMb).toFixed(0),
      `${r.accepted.toLocaleString('en-US')} / ${r.rejected}`,
    ]);
    console.log(
      `\nConsultation logs parsed and mapped (consultation-log layout), Node ${process.version}, one process per run;` +
        ` streamed runs with V8's old space capped at ${STREAM_HEAP_MB} MB\n`,
    );
    console.log(
      markdownTable(
        [
          'format',
          'reader',
          'rows',
          'file MB',
          'seconds',
          '÷ whole',
          'rows/s',
          'peak RSS MB',
          'RSS over start MB',
          'accepted / refused',
        ],
        rows,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [format, mode, file] = process.argv.slice(3) as [Format, Mode, string];
  measure(format, mode, file).then(
    (r) => process.send!(r, () => process.exit(0)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
