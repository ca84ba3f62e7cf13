/**
 * `npm run bench:stats`: consultation aggregates at scale. Generates BENCH_ROWS consultations
 * (default 1,000,000) with the demo generator, loads them through the real CSV adapter path into
 * an embedded store, and times typical analyst queries through the gateway against the same
 * aggregate run as bare SQL on the store in the same run (the peer), printing p50/p95 and ratios.
 */
import { fetch } from 'undici';
import pino from 'pino';
import { generateConsultationLogs, renderConsultationCsv } from '../agencies/demo/consultations';
import { loadAgencyConfigs } from '../adapters/core/config';
import { readCsv } from '../adapters/spreadsheet/csv';
import { toRecords } from '../adapters/sync/sync';
import { registerSource, replaceSource } from '../adapters/store/ingest';
import { openStore } from '../adapters/store/store';
import { startEmbedded } from '../gateway/embedded';
import { signDevelopmentToken } from '../gateway/auth';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function main(): Promise<void> {
  const store = await openStore();
  const agencies = loadAgencyConfigs('agencies');
  const t0 = performance.now();
  const logs = generateConsultationLogs({ total: ROWS });
  let loaded = 0;
  for (const [agencyId, rows] of logs) {
    const agency = agencies.find((a) => a.id === agencyId)!;
    const source = agency.sources.find((s) => s.entity === 'consultation')!;
    const { records: raw } = readCsv(Buffer.from(renderConsultationCsv(rows)), { encoding: 'utf-8', headerRow: 1, delimiter: ',', requiredColumns: [] });
    const sourceId = `${agencyId}/${source.id}`;
    const at = new Date().toISOString();
    const { records } = toRecords(agency, source, raw, { sourceId, agencyId, sourceKind: 'SPREADSHEET', sourceLocation: 'bench', fetchedAt: at, contentHash: 'bench' });
    await registerSource(store, { id: sourceId, agencyId, name: source.id, kind: 'SPREADSHEET', entity: 'consultation', location: 'bench' });
    await replaceSource(store, { sourceId, entity: 'consultation', records, rejections: [], contentHash: 'bench', etag: null, lastModified: null, at });
    loaded += records.length;
    process.stdout.write(`\rloaded ${loaded.toLocaleString()} of ${ROWS.toLocaleString()} consultations`);
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  const secret = new TextEncoder().encode('bench-secret-bench-secret-bench-secret');
  const app = await startEmbedded({ store, port: 0, host: '127.0.0.1', sync: 'never', logger: pino({ level: 'silent' }), auth: { secret } });
  const token = await signDevelopmentToken({ role: 'analyst' }, secret);
  const cases: Array<{ name: string; query: string; sql: string }> = [
    { name: 'by agency', query: '{ consultationStats(groupBy: [ORGANIZATION]) { total cells { count } } }', sql: 'select organization_id, count(*) from consultations c group by 1' },
    {
      name: 'agency × month',
      query: '{ consultationStats(groupBy: [ORGANIZATION, MONTH]) { total cells { count suppressed } } }',
      sql: `select organization_id, to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), count(*) from consultations c group by 1, 2`,
    },
    {
      name: 'topic × month, one quarter',
      query: '{ consultationStats(groupBy: [TOPIC, MONTH], filter: { from: "2025-10-01", to: "2025-12-31" }) { total cells { count } } }',
      sql: `select t, to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM'), count(*) from consultations c cross join lateral unnest(c.topics) t
            where received_at >= '2025-10-01T00:00:00+09:00' and received_at < '2026-01-01T00:00:00+09:00' group by 1, 2`,
    },
    {
      name: 'municipality × industry',
      query: '{ consultationStats(groupBy: [MUNICIPALITY, INDUSTRY]) { total suppressedCells cells { count } } }',
      sql: 'select municipality_code, industry, count(*) from consultations c group by 1, 2',
    },
  ];
  const url = `http://127.0.0.1:${app.gateway.port}/graphql`;
  const rows: string[][] = [];
  for (const c of cases) {
    const viaGateway = await time(async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: c.query }) });
      const body = (await res.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    });
    const bare = await time(() => store.query(c.sql));
    rows.push([c.name, pct(viaGateway, 50).toFixed(1), pct(viaGateway, 95).toFixed(1), pct(bare, 50).toFixed(1), pct(bare, 95).toFixed(1), (pct(viaGateway, 95) / pct(bare, 95)).toFixed(2)]);
  }
  console.log(`\n${loaded.toLocaleString()} consultations loaded through the CSV adapter in ${loadSeconds.toFixed(1)} s; ${RUNS} runs per query after 3 warm-ups\n`);
  const header = ['query', 'gateway p50 ms', 'gateway p95 ms', 'bare SQL p50 ms', 'bare SQL p95 ms', 'p95 ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
  await app.close();
  await store.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
