/**
 * The catalogues bench:search measures: the demo agencies' programmes read through the real
 * adapters, the real J-Net21 feed where ../shared/data is present, and larger catalogues generated
 * from a fixed seed by recombining the demo programmes' words by topic.
 */
import { listMunicipalities, NATIONWIDE, type Municipality } from '../../domain/municipalities';
import type { OrganizationRecord, ProgramRecord } from '../../domain/records';
import { openStore } from '../../store/store';
import { syncDemoSources } from '../demo-store';
import { selectList } from '../../store/tables';
import { loadRealFeed, realFeedPath } from '../../test/support/real-feed';
import { mulberry32 } from '../../demo/consultations';

export const TODAY = '2026-11-25';
export const NOW = new Date('2026-11-25T00:30:00Z');
const PROGRAMMES_PER_PROVIDER = 500;

export const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];

/** The demo agencies' programmes, read through the real adapters from the local stand-ins. */
export async function demoCatalogue(): Promise<ProgramRecord[]> {
  const store = await openStore();
  try {
    await syncDemoSources(store, ['program'], NOW);
    return await store.query<ProgramRecord>(`select ${selectList('program')} from programs order by id`);
  } finally {
    await store.close();
  }
}

/**
 * The real J-Net21 municipal feed's programmes, synced by its agency file as a user would; null
 * (with a notice) where ../shared/data is absent.
 */
export async function realCatalogue(): Promise<ProgramRecord[] | null> {
  if (!realFeedPath()) {
    console.warn('SKIPPED: the real-feed rows need ../shared/data (MADOGUCHI_SHARED_DATA), absent here');
    return null;
  }
  const store = await openStore();
  try {
    const { sourceId } = await loadRealFeed(store, () => NOW);
    return await store.query<ProgramRecord>(
      `select ${selectList('program')} from programs where source_id = $1 order by id`,
      [sourceId],
    );
  } finally {
    await store.close();
  }
}

export interface Catalogue {
  programs: ProgramRecord[];
  organizations: OrganizationRecord[];
}

const CLAUSE = /[、。]/;

/**
 * Deterministic catalogue of `size` programmes recombined from the demo ones. Each generated
 * programme takes a demo programme's kind, support fields and purposes, and its title, summary
 * and details from the words of demo programmes on the same topic (first support field), so
 * words keep realistic frequencies: 創業 stays with start-up programmes instead of appearing
 * everywhere.
 */
export function generateCatalogue(demo: ProgramRecord[], size: number, seed = 20261125): Catalogue {
  const random = mulberry32(seed ^ size);
  const places = listMunicipalities().filter((m) => m.kind !== 'prefecture');
  const topicOf = (p: ProgramRecord) => p.supportFields[0] ?? p.kind;
  const topics = new Map<string, { titles: string[]; summaries: string[]; bodies: string[] }>();
  for (const p of demo) {
    const t = topics.get(topicOf(p)) ?? { titles: [], summaries: [], bodies: [] };
    t.titles.push(...p.title.split(/[\s()「」・]+/).filter((x) => x.length >= 2));
    t.summaries.push(...(p.summary ?? '').split(CLAUSE).filter((c) => c.length >= 4));
    t.bodies.push(...(p.body ?? '').split(/[、。\n]/).filter((c) => c.length >= 4));
    topics.set(topicOf(p), t);
  }
  const at = '2026-11-25T09:00:00+09:00';
  const providerCount = Math.max(20, Math.ceil(size / PROGRAMMES_PER_PROVIDER));
  const providers: Array<{ id: string; place: Municipality; lat: number; lng: number }> = [];
  for (let i = 0; i < providerCount; i++) {
    const place = pick(random, places);
    providers.push({
      id: `bench-p${String(i).padStart(4, '0')}`,
      place,
      lat: place.lat + (random() - 0.5) * 0.02,
      lng: place.lng + (random() - 0.5) * 0.02,
    });
  }
  const organizations: OrganizationRecord[] = providers.map((p, i) => ({
    id: p.id,
    name: `ベンチ支援機関${i}`,
    nameKana: null,
    kind: 'SUPPORT_CENTER',
    legalForm: null,
    corporateNumber: null,
    postalCode: null,
    address: null,
    municipalityCode: p.place.code,
    lat: p.lat,
    lng: p.lng,
    phone: null,
    url: null,
    supportFields: [],
    networks: [],
    sourceId: 'bench/directory',
    agencyId: 'bench',
    sourceKind: 'SPREADSHEET',
    sourceLocation: 'bench',
    fetchedAt: at,
    contentHash: 'bench',
    sourceRow: i + 1,
  }));
  const shiftDate = (d: string | null, months: number) => {
    if (!d) return null;
    const date = new Date(`${d}T00:00:00Z`);
    date.setUTCMonth(date.getUTCMonth() + months);
    return date.toISOString().slice(0, 10);
  };
  const programs: ProgramRecord[] = [];
  for (let i = 0; i < size; i++) {
    const base = pick(random, demo);
    const topic = topics.get(topicOf(base))!;
    const provider = providers[i % providerCount];
    const areaRoll = random();
    const areaCodes =
      areaRoll < 0.4
        ? [provider.place.code]
        : areaRoll < 0.7
          ? [provider.place.prefectureCode]
          : areaRoll < 0.8
            ? [NATIONWIDE]
            : [];
    const months = Math.floor(random() * 13) - 6;
    const dated = random() < 0.6;
    const clauses = (pool: string[], n: number) => Array.from({ length: n }, () => pick(random, pool)).join('、');
    programs.push({
      ...base,
      id: `${provider.id}:G${i}`,
      localId: `G${i}`,
      providerId: provider.id,
      title: `${pick(random, topic.titles)}${random() < 0.5 ? ` ${pick(random, topic.titles)}` : ''}${pick(random, topic.titles)}`,
      titleKana: null,
      summary: `${clauses(topic.summaries, 2 + Math.floor(random() * 2))}。`,
      body: random() < 0.8 && topic.bodies.length ? `${clauses(topic.bodies, 3 + Math.floor(random() * 3))}。` : null,
      areaCodes,
      areaText: null,
      industries: random() < 0.2 ? [pick(random, ['D', 'E', 'G', 'I', 'M'])] : [],
      employeeCeiling: pick(random, [null, null, 5, 20, 50, 100, 300]),
      opensOn: dated ? shiftDate(base.opensOn ?? '2026-10-01', months) : null,
      closesOn: dated ? shiftDate(base.closesOn ?? '2027-01-31', months) : null,
      sourceId: `${provider.id}/programs`,
      agencyId: provider.id,
      sourceLocation: 'bench',
      fetchedAt: at,
      contentHash: 'bench',
      sourceRow: i + 1,
    });
  }
  return { programs, organizations };
}
