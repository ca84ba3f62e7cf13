/**
 * The one-stop search on real national data: the J-Net21 municipal feed (9,720 programmes of
 * municipalities and prefectures across Japan) synced by its agency file beside the demo
 * agencies, searched through the supergraph composed in-process. The judged real-feed queries
 * (test/support/judged-real-queries.ts) must find an answering programme in the top 5 nine times
 * in ten and never answer nothing; compounds, relaxation, local-first ranking, who the firm is and
 * the provider each programme shows are checked on rows of the feed. Skips, with a notice, where
 * ../shared/data is absent.
 */
import { normalizeText } from '../../domain/normalize';
import { getMunicipality } from '../../domain/municipalities';
import type { Store } from '../../store/store';
import { REAL_JUDGED_QUERIES } from '../support/judged-real-queries';
import { FIXED_NOW } from '../support/paths';
import { loadRealFeed } from '../support/real-feed';
import { describeWithSharedData } from '../support/shared-data';
import { openTestStore } from '../support/store';
import { startInProcessSupergraph, type InProcessSupergraph } from '../support/supergraph';

/** The goals on the real feed. */
const MIN_SUCCESS_AT_5 = 0.9;
const MIN_QUERIES = 100;

interface Node {
  id: string;
  title: string;
  providerName: string | null;
  url: string | null;
  provider: { id: string; name: string } | null;
  eligibility: { areas: Array<{ code: string }> };
}
interface Answer {
  totalCount: number;
  edges: Array<{ node: Node }>;
  interpretation: {
    places: Array<{ code: string }>;
    terms: string[];
    needs: string[];
    firm: string[];
    dropped: string[];
    relaxed: boolean;
    relaxations: Array<{ step: string; words: string[]; places: Array<{ code: string; name: string }> }>;
  };
}

const SEARCH = `query($text: String, $first: Int) {
  search(text: $text, first: $first) {
    totalCount
    edges { node { id title providerName url provider { id name } eligibility { areas { code } } } }
    interpretation {
      places { code } terms needs firm dropped relaxed
      relaxations { step words places { code name } }
    }
  }
}`;

describeWithSharedData('search on the real J-Net21 feed beside the demo agencies', () => {
  let store: Store;
  let graph: InProcessSupergraph;
  let sourceId: string;
  /** Programme ids of the feed by `code title`, the judged set's key. */
  const byKey = new Map<string, string[]>();
  const areaOf = new Map<string, string>();

  beforeAll(async () => {
    store = await openTestStore('demo');
    ({ sourceId } = await loadRealFeed(store, () => FIXED_NOW));
    const rows = await store.query<{ id: string; title: string; area_codes: string[] }>(
      'select id, title, area_codes from programs where source_id = $1',
      [sourceId],
    );
    for (const r of rows) {
      const key = `${r.area_codes[0]} ${r.title}`;
      byKey.set(key, [...(byKey.get(key) ?? []), r.id]);
      areaOf.set(r.id, r.area_codes[0]);
    }
    graph = await startInProcessSupergraph(
      () => store,
      () => FIXED_NOW,
    );
  });

  afterAll(async () => {
    await graph?.stop();
    await store?.close();
  });

  async function search(text: string, first = 5): Promise<Answer> {
    const result = await graph.run(SEARCH, { text, first });
    expect(result.errors).toBeUndefined();
    return (result.data as { search: Answer }).search;
  }

  /** The judged key's programme ids: `<code> <title>` with the title normalised as the store keeps it. */
  function idsOf(key: string): string[] {
    const m = /^(\d{6}) (.+)$/.exec(key)!;
    return byKey.get(`${m[1]} ${normalizeText(m[2])}`) ?? [];
  }

  test(`judged queries: an answering programme in the top 5 for ${MIN_SUCCESS_AT_5 * 100}% of them, none answered with nothing`, async () => {
    expect(REAL_JUDGED_QUERIES.length).toBeGreaterThanOrEqual(MIN_QUERIES);
    // Every key names rows of the feed: a typo would quietly make a query unanswerable.
    expect(REAL_JUDGED_QUERIES.flatMap((q) => q.relevant).filter((k) => idsOf(k).length === 0)).toEqual([]);
    // The set spans the country and the needs, not one town's one programme.
    const prefectures = new Set(REAL_JUDGED_QUERIES.flatMap((q) => q.relevant.map((k) => k.slice(0, 2))));
    expect(prefectures.size).toBeGreaterThanOrEqual(30);
    expect(new Set(REAL_JUDGED_QUERIES.map((q) => q.need)).size).toBeGreaterThanOrEqual(25);

    const misses: string[] = [];
    const empty: string[] = [];
    for (const q of REAL_JUDGED_QUERIES) {
      const answer = await search(q.text);
      const relevant = new Set(q.relevant.flatMap(idsOf));
      if (answer.totalCount === 0) empty.push(q.text);
      if (!answer.edges.some((e) => relevant.has(e.node.id)))
        misses.push(`${q.text} → ${answer.edges.map((e) => e.node.title).join(' / ')}`);
    }
    expect(empty).toEqual([]);
    const success = 1 - misses.length / REAL_JUDGED_QUERIES.length;
    if (success < MIN_SUCCESS_AT_5) console.warn(`real-feed misses:\n${misses.join('\n')}`);
    expect(success).toBeGreaterThanOrEqual(MIN_SUCCESS_AT_5);
  });

  test('a compound finds the title that writes it with 等 between or 事業者 after: 店舗修繕, 観光業', async () => {
    const repair = await search('鹿追町 店舗修繕');
    expect(repair.edges[0].node.title).toBe('鹿追町店舗等修繕補助金');
    expect(repair.interpretation.relaxed).toBe(false);
    const tourism = await search('加美町 観光業');
    expect(tourism.edges[0].node.title).toContain('観光事業者支援補助金');
    expect(tourism.interpretation.relaxed).toBe(false);
  });

  test("a place alone lists that place's own programmes first, then its prefecture's, then the rest", async () => {
    for (const [name, code] of [
      ['鹿追町', '016349'],
      ['釧路市', '012068'],
      ['浅口市', '332160'],
    ]) {
      const own = [...areaOf.values()].filter((a) => a === code).length;
      expect(own).toBeGreaterThan(0);
      const answer = await search(name, 20);
      expect(answer.interpretation.places.map((p) => p.code)).toEqual([code]);
      const areas = answer.edges.map((e) => areaOf.get(e.node.id) ?? 'demo');
      // The town's own programmes fill the top, as many as it has.
      expect(areas.slice(0, Math.min(own, 20))).toEqual(Array(Math.min(own, 20)).fill(code));
      // After them its prefecture's (the feed's prefecture rows carry the prefecture's code).
      const prefecture = getMunicipality(code)!.prefectureCode;
      const after = areas.slice(own).filter((a) => a !== 'demo');
      if (after.length) expect(after[0]).toBe(prefecture);
    }
  });

  test('a recognised place with a word nothing has relaxes, says how, and lists the place', async () => {
    const answer = await search('鹿追町 ぬゑゐ');
    expect(answer.totalCount).toBeGreaterThan(0);
    expect(answer.interpretation.relaxed).toBe(true);
    expect(answer.interpretation.relaxations).toEqual([
      { step: 'PLACE_ONLY', words: ['ぬゑゐ'], places: [{ code: '016349', name: '鹿追町' }] },
    ]);
    expect(areaOf.get(answer.edges[0].node.id)).toBe('016349');
    // A word the town lacks but another town of its prefecture has: widened to the prefecture and
    // said so; ビズサポ is 釧路市's.
    const widened = await search('鹿追町でビズサポの補助金を使いたい');
    expect(widened.interpretation.relaxations.map((s) => [s.step, s.places.map((p) => p.name)])).toEqual([
      ['WIDENED_TO_PREFECTURE', ['北海道']],
    ]);
    expect(areaOf.get(widened.edges[0].node.id)).toBe('012068');
    expect(widened.edges[0].node.title).toContain('ビズサポ');
  });

  test('who the firm is ranks programmes for such firms first, without narrowing the answer', async () => {
    const sole = await search('甲賀市の個人事業主です。受けられる支援金はありますか');
    expect(sole.interpretation.firm).toEqual(['個人事業主']);
    expect(sole.edges[0].node.title).toContain('個人事業主');
    const farmer = await search('京丹後市の農家です。物価が上がって困っています');
    expect(farmer.interpretation.firm).toEqual(['農業者']);
    expect(farmer.edges[0].node.title).toMatch(/農業者/);
    // A preference: the town's other programmes on the need are still there.
    const plain = await search('京丹後市 物価高騰', 100);
    expect(farmer.totalCount).toBeGreaterThanOrEqual(plain.totalCount);
  });

  test('real programmes show the municipality that offers them and their own page', async () => {
    const answer = await search('鹿追町 店舗修繕');
    const node = answer.edges[0].node;
    expect(node.providerName).toBe('北海道鹿追町');
    expect(node.url).toMatch(/^https?:\/\//);
    expect(node.provider?.id).toBe('jnet21-municipal-support');
  });
});
