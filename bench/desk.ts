/**
 * `npm run bench:desk`: the desk's proposals on the judged firms (test/support/judged-firms.json)
 * of the demo store, against what a consultant does by hand, measured in the same run:
 *
 * - proposals: Company.proposals' engine (the firm's visible consultations read, needs understood,
 *   the index searched, programmes loaded and ranked), as a coordinator;
 * - by hand: the one-stop search with the firm's latest consultation summary as the text, and the
 *   firm's municipality, size and industry as filters (what a consultant would type);
 * - latest topic: every programme filed under the latest consultation's first topic, eligible.
 *
 * Precision at 5 (relevant in the top five over min(5, relevant)), and latency per firm (p50, p95,
 * ms) with the ratio to the hand search. Alternating per firm, after a warm-up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as consultations from '../store/consultations';
import * as firms from '../store/firms';
import * as programs from '../store/programs';
import * as desk from '../store/desk';
import { searchIndexFor } from '../subgraphs/programs/search/holder';
import { proposeFor } from '../subgraphs/desk/proposals';
import type { Viewer } from '../domain/viewer';
import { ROOT } from '../test/support/paths';
import { demoStore } from './demo-store';
import { markdownTable, percentile, runBench } from './report';

interface Judged {
  day: string;
  firms: Array<{ firmId: string; need: string; relevant: string[] }>;
}

const COORDINATOR: Viewer = { role: 'coordinator', subject: 'bench', agencyId: null };

runBench(async () => {
  const judged = JSON.parse(readFileSync(join(ROOT, 'test', 'support', 'judged-firms.json'), 'utf8')) as Judged;
  const t0 = Date.now();
  const { store } = await demoStore();
  console.log(
    `demo store synced in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${judged.firms.length} judged firms, day ${judged.day}`,
  );
  const index = await searchIndexFor(store).current();
  const today = judged.day;
  const filterOf = (f: firms.FirmRecord) => ({
    municipalityCode: f.municipalityCode,
    employees: f.employees,
    industry: f.industry,
    status: ['OPEN' as const, 'ONGOING' as const, 'UPCOMING' as const],
  });
  const contenders: Record<string, (firmId: string) => Promise<string[]>> = {
    proposals: async (firmId) => {
      const [firm] = await firms.byIds(store, [firmId]);
      const { rows } = await consultations.ofFirm(store, COORDINATOR, firmId, { limit: 300, offset: 0 });
      const out = await proposeFor({
        firm: firm!,
        consultations: rows,
        marks: await desk.latestMarks(store, firmId),
        index,
        loadPrograms: (ids) => programs.byIds(store, ids),
        today,
        first: 5,
      });
      return out.map((p) => p.program.id);
    },
    'by hand': async (firmId) => {
      const [firm] = await firms.byIds(store, [firmId]);
      const { rows } = await consultations.ofFirm(store, COORDINATOR, firmId, { limit: 1, offset: 0 });
      const result = index.search({
        text: rows[0]?.summary ?? '',
        filter: filterOf(firm!),
        today,
        limit: 5,
        facets: false,
      });
      return result.hits.map((h) => h.id);
    },
    'latest topic': async (firmId) => {
      const [firm] = await firms.byIds(store, [firmId]);
      const { rows } = await consultations.ofFirm(store, COORDINATOR, firmId, { limit: 1, offset: 0 });
      const result = index.search({
        filter: { ...filterOf(firm!), supportFields: rows[0]?.topics.slice(0, 1) ?? [] },
        today,
        limit: 5,
        facets: false,
      });
      return result.hits.map((h) => h.id);
    },
  };
  // Warm-up: every contender once over a few firms.
  for (const j of judged.firms.slice(0, 5)) for (const run of Object.values(contenders)) await run(j.firmId);
  const precision: Record<string, number[]> = {};
  const times: Record<string, number[]> = {};
  for (let round = 0; round < 3; round++) {
    for (const j of judged.firms) {
      const relevant = new Set(j.relevant);
      for (const [name, run] of Object.entries(contenders)) {
        const t = performance.now();
        const got = await run(j.firmId);
        (times[name] ??= []).push(performance.now() - t);
        if (round === 0)
          (precision[name] ??= []).push(got.filter((id) => relevant.has(id)).length / Math.min(5, relevant.size));
      }
    }
  }
  const hand = percentile(times['by hand'], 50);
  const rows = Object.keys(contenders).map((name) => {
    const p = precision[name];
    const mean = p.reduce((s, x) => s + x, 0) / p.length;
    return [
      name,
      mean.toFixed(3),
      String(p.filter((x) => x === 1).length),
      percentile(times[name], 50).toFixed(2),
      percentile(times[name], 95).toFixed(2),
      (percentile(times[name], 50) / hand).toFixed(1),
    ];
  });
  console.log();
  console.log(markdownTable(['contender', 'P@5', 'firms at 1.0', 'p50 ms', 'p95 ms', 'p50 / by hand'], rows));
  console.log(
    `\n${judged.firms.length} firms, ${times.proposals.length / judged.firms.length} timed rounds each; ${index.size} programmes.`,
  );
  await store.close();
});
