/**
 * Recommendations beside the search: programmes like one programme from other providers (who
 * else offers this) and the providers that can help with a need (who can help), each ranked from
 * the same postings and attributes the search reads.
 */
import { getMunicipality, isWithin, NATIONWIDE } from '../../../domain/municipalities';
import type { IndexCore, TokenEntry } from './core';
import { placeFlags, prepareFilter } from './filter';
import { planQuery } from './plan';
import { K1, B, match, release } from './score';
import { kindIndex, supportFieldMask, WEIGHTED_TF, type IndexableProgram } from './segment';
import { foldForSearch, tokensOf, type Token } from './text';
import { TopK } from './topk';
import { NO_DISTANCE, popcount, round, SearchInputError, TIER, type ProviderMatch, type SearchHit } from './types';

const TF = WEIGHTED_TF;

/**
 * Programmes like `program` from other providers, open to firms where it is open: shared
 * support fields, same kind and similar title and summary, available ones before closed ones.
 */
export function alternativesTo(
  core: IndexCore,
  program: IndexableProgram,
  options: { first: number; today: string },
): SearchHit[] {
  const first = Math.max(0, options.first);
  if (first === 0 || core.size === 0) return [];
  // Query: the title's and summary's tokens, the rarest (most telling) ones first.
  const weights = new Map<Token, number>();
  for (const t of tokensOf(foldForSearch([program.title, program.titleKana].filter(Boolean).join('\n'))))
    weights.set(t, 1);
  for (const t of tokensOf(foldForSearch(program.summary))) if (!weights.has(t)) weights.set(t, 0.5);
  const query: Array<{ entry: TokenEntry; w: number }> = [];
  for (const [token, weight] of weights) {
    const entry = core.lookup(token);
    if (entry.df > 0) query.push({ entry, w: weight * core.idfOf(entry.df) });
  }
  query.sort((a, b) => b.w - a.w).splice(48);
  const typicalTf = (3 * (K1 + 1)) / (3 + K1);
  const selfScore = query.reduce((sum, q) => sum + q.w * typicalTf, 0) || 1;

  const fieldMask = supportFieldMask(program.supportFields);
  const fieldCount = popcount(fieldMask);
  const kind = kindIndex(program.kind);
  const dict = core.dictionaries;
  const areaOk = alternativeAreas(core, program.areaCodes);
  const ownProvider = dict.providers.find(program.providerId);
  const periodStatus = core.statusesOn(options.today);
  const heap = new TopK(first);
  const { total, reset } = core.scratch;
  const normBase = K1 * (1 - B);
  const normPerLength = (K1 * B) / core.avgLength;

  core.segments.forEach((seg, si) => {
    let touched = 0;
    for (const q of query) {
      const t = q.entry.terms[si];
      if (t < 0) continue;
      for (let p = seg.termStart[t]; p < seg.termStart[t + 1]; p++) {
        const d = seg.postDoc[p];
        if (total[d] === 0) reset[touched++] = d;
        const tf = TF[seg.postWeight[p]];
        total[d] += (q.w * tf * (K1 + 1)) / (tf + normBase + normPerLength * seg.length[d]);
      }
    }
    for (let d = 0; d < seg.size; d++) {
      if (seg.providerOf[d] === ownProvider || seg.ids[d] === program.id) continue;
      if (!core.inAreas(seg, d, areaOk)) continue;
      const shared = popcount(seg.fields[d] & fieldMask);
      const union = popcount(seg.fields[d] | fieldMask);
      const fieldSimilarity = union ? shared / union : 0;
      const textSimilarity = Math.min(1, total[d] / selfScore);
      if (shared === 0 && (fieldCount > 0 || textSimilarity < 0.15)) continue;
      let similarity = 0.45 * fieldSimilarity + 0.15 * (seg.kind[d] === kind ? 1 : 0) + 0.4 * textSimilarity;
      const tier = TIER[periodStatus[seg.periodOf[d]]];
      similarity *= tier === 0 ? 1 : tier === 1 ? 0.9 : 0.6;
      heap.offer(-similarity, 0, core.bases[si] + d, si, d, similarity);
    }
    for (let i = 0; i < touched; i++) total[reset[i]] = 0;
  });
  return heap.sorted().map((i) => core.hitOf(heap.seg[i], heap.doc[i], heap.score[i], periodStatus, null));
}

/**
 * Areas (as flags over area numbers) whose programmes can stand in for one offered in
 * `areaCodes`: for a municipality (神戸市), areas open to its firms or inside it (兵庫県,
 * 全国, 神戸市中央区), never another city's; for a prefecture or 全国, anything in the same
 * prefectures. Null (anything) for a programme without an area.
 */
function alternativeAreas(core: IndexCore, areaCodes: readonly string[]): Uint8Array | null {
  if (!areaCodes.length || areaCodes.includes(NATIONWIDE)) return null;
  const prefectureOf = (c: string) =>
    c === NATIONWIDE ? NATIONWIDE : (getMunicipality(c)?.prefectureCode ?? NATIONWIDE);
  return Uint8Array.from(core.dictionaries.areas.values, (area) => {
    if (area === NATIONWIDE) return 1;
    const ok = areaCodes.some((own) =>
      own === prefectureOf(own) ? prefectureOf(area) === own : isWithin(own, area) || isWithin(area, own),
    );
    return ok ? 1 : 0;
  });
}

export interface ProvidersRequest {
  need: string;
  municipalityCode?: string | null;
  sort?: 'RELEVANCE' | 'DISTANCE';
  today: string;
  first: number;
  programsPerProvider?: number;
}

/**
 * Providers with programmes matching `need` (open to firms in `municipalityCode` when given),
 * each with its matching programmes. By relevance: providers with an available programme first,
 * then by their best score plus a little for each further match; by distance: nearest first.
 */
export function providersFor(core: IndexCore, request: ProvidersRequest): ProviderMatch[] {
  const sort = request.sort ?? 'RELEVANCE';
  const origin = request.municipalityCode ?? null;
  if (sort === 'DISTANCE' && !origin) throw new SearchInputError('sorting by DISTANCE needs municipalityCode');
  const plan = planQuery(core, request.need, true);
  if (plan.must.length === 0) throw new SearchInputError('need must contain at least one word');
  const { areaOk } = prepareFilter(core, { municipalityCode: origin });
  const placeOk = plan.places.length ? placeFlags(core.dictionaries, plan.places) : null;
  const periodStatus = core.statusesOn(request.today);
  const providerKm = origin ? core.distancesFrom(origin) : null;
  const groups = new Map<
    number,
    {
      best: number;
      tier: number;
      sum: number;
      programs: Array<{ si: number; d: number; score: number; tier: number }>;
    }
  >();
  const { candidates, total: scores } = core.scratch;
  core.segments.forEach((seg, si) => {
    const count = match(core, seg, si, plan);
    for (let i = 0; i < count; i++) {
      const d = candidates[i];
      const score = scores[d];
      if (!core.inAreas(seg, d, areaOk) || !core.inAreas(seg, d, placeOk)) continue;
      const tier = TIER[periodStatus[seg.periodOf[d]]];
      const provider = seg.providerOf[d];
      let g = groups.get(provider);
      if (!g) {
        g = { best: 0, tier: 3, sum: 0, programs: [] };
        groups.set(provider, g);
      }
      g.programs.push({ si, d, score, tier });
      g.sum += score;
      if (tier < g.tier || (tier === g.tier && score > g.best)) {
        g.tier = tier;
        g.best = score;
      }
    }
    release(core);
  });
  const matches = [...groups].map(([provider, g]) => {
    const km = providerKm ? providerKm[provider] : NO_DISTANCE;
    const programs = g.programs
      .sort((a, b) => a.tier - b.tier || b.score - a.score || core.bases[a.si] + a.d - (core.bases[b.si] + b.d))
      .slice(0, request.programsPerProvider ?? 5)
      .map((p) => core.hitOf(p.si, p.d, p.score, periodStatus, providerKm));
    return {
      providerId: core.dictionaries.providers.values[provider],
      score: round(g.best + 0.1 * (g.sum - g.best), 4),
      tier: g.tier,
      km,
      distanceKm: km === NO_DISTANCE ? null : round(km, 1),
      count: g.programs.length,
      programs,
    };
  });
  matches.sort(
    (a, b) =>
      (sort === 'DISTANCE' ? a.km - b.km : 0) ||
      a.tier - b.tier ||
      b.score - a.score ||
      (a.providerId < b.providerId ? -1 : 1),
  );
  return matches.slice(0, Math.max(0, request.first)).map(({ providerId, score, distanceKm: km, count, programs }) => ({
    providerId,
    score,
    distanceKm: km,
    count,
    programs,
  }));
}
