/**
 * bench:search's speed at one catalogue size: the index build, how soon a replica reading the
 * catalogue from its store answers, the in-process latency of the engine before query
 * understanding (the peer) and the shipped one in alternate rounds, and the latency through the
 * gateway over HTTP next to one hop to the programs subgraph.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { fetch } from 'undici';
import { registerSource, replaceSource } from '../../store/ingest';
import type { ProgramRecord } from '../../domain/records';
import { dumpStore, openStore } from '../../store/store';
import { bulkInsert } from '../../store/tables';
import { startEmbedded } from '../../app/embedded';
import { createSearchIndex, type ProviderLocation, type SearchRequest } from '../../subgraphs/programs/search';
import { percentile } from '../report';
import { searchIndexFor } from '../../subgraphs/programs/search/holder';
import { JUDGED_QUERIES } from '../../test/support/judged-queries';
import { mulberry32 } from '../../demo/consultations';
import { type Catalogue, generateCatalogue, NOW, pick, TODAY } from './catalogue';

export const IN_PROCESS_RUNS = Number(process.env.BENCH_RUNS ?? 2000);
/** Rounds per engine, alternating, over which the in-process runs are spread. */
const IN_PROCESS_ROUNDS = 5;
export const GATEWAY_RUNS = Number(process.env.BENCH_GATEWAY_RUNS ?? 300);

// A global gc() for honest memory figures, without needing a node flag in the npm script.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Wall and CPU milliseconds per query of one engine, and the programmes its answers matched. */
function newRun(): { wall: number[]; cpu: number[]; matched: number } {
  return { wall: [], cpu: [], matched: 0 };
}

/** The query mix: judged queries, filters without text, closing-date and distance orders. */
function queryMix(catalogue: Catalogue): Array<Omit<SearchRequest, 'today'> & { near?: string }> {
  const random = mulberry32(7);
  const near = () => pick(random, catalogue.organizations).municipalityCode!;
  const mix: Array<Omit<SearchRequest, 'today'> & { near?: string }> = JUDGED_QUERIES.map((q) => ({
    text: q.text,
    filter: q.filter as SearchRequest['filter'],
  }));
  mix.push(
    { text: '', filter: { supportFields: ['STARTUP'] } },
    { text: '', filter: { kinds: ['SUBSIDY', 'GRANT'], status: ['OPEN'] } },
    { text: '', filter: { municipalityCode: '281107', employees: 20 } },
    { text: '創業', sort: 'CLOSING_DATE', filter: { status: ['OPEN', 'UPCOMING'] } },
    { text: '補助金', sort: 'CLOSING_DATE' },
    { text: '販路開拓', sort: 'DISTANCE', near: near() },
    { text: '相談', sort: 'DISTANCE', near: near() },
    { text: 'ものづくり 補助金', filter: { industry: 'E' } },
  );
  return mix;
}

const SEARCH_QUERY = `query($text: String, $filter: SearchFilter, $sort: SearchSort, $near: String) {
  search(text: $text, filter: $filter, sort: $sort, near: $near, first: 20) {
    totalCount
    edges { score highlight distanceKm node { id title status } }
    facets { supportFields { value count } kinds { value count } providers { value count } statuses { value count } prefectures { value count } }
  }
}`;

/** One catalogue size measured: its row of the index table and its two rows of the latency table. */
export async function measureSize(
  demo: ProgramRecord[],
  size: number,
): Promise<{ row: string[]; latencyRows: string[][] }> {
  const catalogue = generateCatalogue(demo, size);
  const providers: ProviderLocation[] = catalogue.organizations.map((o) => ({
    id: o.id,
    municipalityCode: o.municipalityCode,
    lat: o.lat,
    lng: o.lng,
  }));
  const mix = queryMix(catalogue);

  // Build, with memory measured around it (the records stay alive on both sides).
  gc();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const index = createSearchIndex(catalogue.programs, { providers }).warm();
  const buildMs = performance.now() - t0;
  gc();
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const stats = index.stats();

  // In process: the pure index, one query after another; the engine before query
  // understanding (the peer) and the shipped one in alternate rounds, so both see the same
  // machine. Per query the wall time and the CPU time this process spent (process.cpuUsage:
  // time waiting for a core on a loaded machine is not in it).
  const engines = { literal: newRun(), understood: newRun() };
  const roundSize = Math.max(mix.length, Math.ceil(IN_PROCESS_RUNS / IN_PROCESS_ROUNDS));
  for (let round = 0; round < 2 * IN_PROCESS_ROUNDS + 2; round++) {
    const understand = round % 2 === 1;
    const into = understand ? engines.understood : engines.literal;
    for (let i = 0; i < roundSize; i++) {
      const q = mix[i % mix.length];
      const cpu = process.cpuUsage();
      const t = performance.now();
      const r = index.search({
        ...q,
        origin: q.near ?? (q.filter?.municipalityCode as string | undefined) ?? null,
        today: TODAY,
        limit: 20,
        understand,
      });
      const elapsed = performance.now() - t;
      const used = process.cpuUsage(cpu);
      // The first round of each is a warm-up.
      if (round >= 2) {
        into.wall.push(elapsed);
        into.cpu.push((used.user + used.system) / 1000);
        into.matched += r.total;
      }
    }
  }
  const literal = engines.literal;
  const { wall: times, matched } = engines.understood;

  // Through the gateway: the embedded stack over HTTP, the catalogue in its PGlite store.
  const store = await openStore();
  const t1 = performance.now();
  await registerSource(store, {
    id: 'bench/directory',
    agencyId: 'bench',
    name: 'directory',
    kind: 'SPREADSHEET',
    entity: 'organization',
    location: 'bench',
  });
  await replaceSource(store, {
    sourceId: 'bench/directory',
    entity: 'organization',
    records: catalogue.organizations,
    rejections: [],
    contentHash: 'bench',
    etag: null,
    lastModified: null,
    at: NOW.toISOString(),
  });
  // One bulk load (the store's COPY path) rather than a snapshot per source: replacing 200
  // sources one by one into a growing embedded table takes minutes and measures the store.
  const sourceIds = [...new Set(catalogue.programs.map((p) => p.sourceId))];
  for (const sourceId of sourceIds) {
    await registerSource(store, {
      id: sourceId,
      agencyId: sourceId.split('/')[0],
      name: 'programs',
      kind: 'SPREADSHEET',
      entity: 'program',
      location: 'bench',
    });
  }
  await store.transaction((tx) =>
    bulkInsert(tx, 'program', catalogue.programs as unknown as Record<string, unknown>[]),
  );
  // As a snapshot would record it, with how many records each landed (which tells a replica
  // how large its first build will be, and so whether it builds in the background).
  await store.query(
    `update sources set status = 'OK', content_hash = 'bench', last_success_at = $1, last_changed_at = $1,
       accepted_count = (select count(*) from programs where programs.source_id = sources.id)
     where id = any($2::text[])`,
    [NOW.toISOString(), sourceIds],
  );
  const loadSeconds = (performance.now() - t1) / 1000;
  // A replica's first build from the store: searches answer once `ready` (at once for a
  // catalogue built in the background, search/holder.ts), the index is complete later.
  const t2 = performance.now();
  const holder = searchIndexFor(store);
  await holder.ready();
  const answersAfterSeconds = (performance.now() - t2) / 1000;
  const firstSearch = performance.now();
  const early = (await holder.current()).search({ text: '創業したい', today: TODAY });
  const firstSearchMs = performance.now() - firstSearch;
  while ((await holder.current()).indexing !== null) await new Promise((r) => setTimeout(r, 50));
  const completeAfterSeconds = (performance.now() - t2) / 1000;
  const firstIndexed = early.total;
  // The gateway's response cache would answer the repeated mix itself: off, to time the search.
  const storeDump = new Uint8Array(await (await dumpStore(store)).arrayBuffer());
  await store.close();
  const app = await startEmbedded({
    storeDump,
    port: 0,
    host: '127.0.0.1',
    sync: 'never',
    now: NOW,
    logger: pino({ level: 'silent' }),
    gateway: { responseCache: { enabled: false } },
  });
  const url = `http://127.0.0.1:${app.gateway.port}/graphql`;
  const post = async (q: (typeof mix)[number]) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: SEARCH_QUERY,
        variables: { text: q.text, filter: q.filter, sort: q.sort, near: q.near },
      }),
    });
    const body = (await res.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  // One hop: the gateway to the programs subgraph and back, with next to no work there.
  const hop = async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ municipalities(name: "神戸市", first: 1) { code } }' }),
    });
    await res.json();
  };
  // The embedded start serves at once and builds a large index in the background: time the
  // searches once it is complete.
  for (;;) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ search(text: "創業", first: 1) { indexing { indexed } } }' }),
    });
    const body = (await res.json()) as { data?: { search: { indexing: unknown } } };
    if (body.data?.search.indexing === null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (let i = 0; i < 20; i++) {
    await post(mix[i % mix.length]);
    await hop();
  }
  const viaGateway: number[] = [];
  const hops: number[] = [];
  // Searches and hops taken in turn, so both see the same machine.
  for (let i = 0; i < GATEWAY_RUNS; i++) {
    let t = performance.now();
    await post(mix[i % mix.length]);
    viaGateway.push(performance.now() - t);
    t = performance.now();
    await hop();
    hops.push(performance.now() - t);
  }
  await app.close();

  const inP50 = percentile(times, 50);
  const goal = 2 * inP50 + percentile(hops, 50);
  const p = (xs: number[], q: number) => percentile(xs, q).toFixed(2);
  const u = engines.understood;
  const row = [
    size.toLocaleString(),
    `${stats.segments} → ${stats.merged}`,
    (stats.postings / 1e6).toFixed(1),
    buildMs.toFixed(0),
    ((stats.bytes + stats.mergedBytes) / 2 ** 20).toFixed(1),
    heapMb.toFixed(1),
    Math.round(matched / times.length).toLocaleString(),
    loadSeconds.toFixed(1),
    `${answersAfterSeconds.toFixed(2)} (${firstSearchMs.toFixed(0)} ms, ${firstIndexed} found)`,
    completeAfterSeconds.toFixed(1),
  ];
  const ratio = (a: number[], b: number[]) => (percentile(a, 95) / percentile(b, 95)).toFixed(2);
  const latency = (engine: string, run: ReturnType<typeof newRun>) => [
    size.toLocaleString(),
    engine,
    ...[50, 95, 99].map((q) => p(run.wall, q)),
    ...[50, 95].map((q) => p(run.cpu, q)),
  ];
  const latencyRows = [
    [...latency('before: words as typed (peer)', literal), '', '', '', ''],
    [
      ...latency('understanding (shipped)', u),
      `${ratio(u.wall, literal.wall)} / ${ratio(u.cpu, literal.cpu)}`,
      percentile(hops, 50).toFixed(1),
      percentile(viaGateway, 50).toFixed(1),
      `${goal.toFixed(1)} ${percentile(viaGateway, 50) <= goal ? 'met' : 'missed'}`,
    ],
  ];
  console.log(`done: ${size.toLocaleString()} programmes`);
  return { row, latencyRows };
}
