import {
  createSearchIndex,
  SearchInputError,
  type IndexableProgram,
  type ProviderLocation,
  type SearchRequest,
} from '.';
import { programStatus } from '../../../domain/programStatus';
import { highlight } from './highlight';

const TODAY = '2026-11-25';

function program(id: string, fields: Partial<IndexableProgram>): IndexableProgram {
  const providerId = id.split(':')[0];
  return {
    id,
    providerId,
    sourceId: `${providerId}/programs`,
    title: id,
    titleKana: null,
    summary: null,
    body: null,
    kind: 'CONSULTATION',
    supportFields: [],
    purposes: [],
    areaCodes: [],
    areaText: null,
    industries: [],
    employeeCeiling: null,
    eligibilityText: null,
    opensOn: null,
    closesOn: null,
    publishedStatus: null,
    ...fields,
  };
}

const RECORDS: IndexableProgram[] = [
  program('kobe:1', {
    title: '創業相談窓口',
    summary: '創業を考えている方の相談に応じます。',
    kind: 'CONSULTATION',
    supportFields: ['STARTUP'],
    areaCodes: ['281000'],
  }),
  program('kobe:2', {
    title: '経営相談',
    summary: '経営全般の相談。',
    body: '創業間もない方もご利用ください。',
    supportFields: ['MANAGEMENT'],
    areaCodes: ['281000'],
  }),
  program('kobe:3', {
    title: 'ひょうご起業スクール',
    summary: 'ビジネスプランを学ぶ講座です。',
    kind: 'SEMINAR',
    supportFields: ['STARTUP'],
    areaCodes: ['280003'],
    opensOn: '2026-11-01',
    closesOn: '2026-12-18',
  }),
  program('akashi:1', {
    title: 'スタートアップ支援オフィス',
    summary: '低廉な賃料のオフィス。',
    kind: 'EQUIPMENT',
    supportFields: ['STARTUP'],
    areaCodes: ['282031'],
    employeeCeiling: 5,
    opensOn: '2027-01-05',
    closesOn: '2027-02-15',
  }),
  program('akashi:2', {
    title: '販路開拓支援助成金',
    summary: '展示会出展の経費を助成します。',
    kind: 'GRANT',
    supportFields: ['SALES'],
    areaCodes: ['282031'],
    employeeCeiling: 300,
    industries: ['E'],
    opensOn: '2026-04-01',
    closesOn: '2027-02-26',
    purposes: ['販路拡大・海外展開をしたい'],
  }),
  program('toshima:1', {
    title: '創業資金融資あっせん',
    summary: '区が融資をあっせんします。',
    kind: 'LOAN',
    supportFields: ['STARTUP', 'FINANCE'],
    areaCodes: ['131164'],
    purposes: ['資金繰りを改善したい'],
  }),
  program('toshima:2', {
    title: 'としま創業塾(冬期)',
    summary: '創業を目指す方の講座。',
    kind: 'SEMINAR',
    supportFields: ['STARTUP'],
    areaCodes: ['131164'],
    opensOn: '2026-06-01',
    closesOn: '2026-06-30',
  }),
  program('toshima:3', {
    title: 'セミナー「選ばれる店」',
    summary: 'SNSでの発信を学ぶセミナーです。',
    kind: 'SEMINAR',
    supportFields: ['SALES', 'DX'],
    areaCodes: ['131164'],
    opensOn: '2026-11-15',
    closesOn: '2026-12-12',
  }),
  program('niro:1', {
    title: '技術系ベンチャー支援',
    summary: '大学発ベンチャーの事業化を支援します。',
    kind: 'EXPERT_DISPATCH',
    supportFields: ['STARTUP', 'TECHNOLOGY'],
    areaCodes: ['000000'],
  }),
  program('jiii:1', {
    title: '特許出願援助',
    summary: '初めての特許出願の費用を援助します。',
    kind: 'GRANT',
    supportFields: ['IP'],
    areaCodes: ['280003'],
    opensOn: '2026-04-01',
    closesOn: '2027-01-29',
  }),
  program('itc:1', {
    title: 'IT導入 技術支援',
    summary: 'IoTとDXの導入を支援。',
    kind: 'TECHNICAL_SERVICE',
    supportFields: ['DX'],
    areaCodes: ['280003'],
    industries: ['E'],
  }),
];

const PROVIDERS: ProviderLocation[] = [
  { id: 'kobe', municipalityCode: '281107', lat: 34.67954, lng: 135.183127 },
  { id: 'akashi', municipalityCode: '282031', lat: null, lng: null },
  { id: 'toshima', municipalityCode: '131164', lat: 35.729341, lng: 139.715843 },
  { id: 'niro', municipalityCode: '281107', lat: 34.672036, lng: 135.210418 },
  { id: 'jiii', municipalityCode: '281077', lat: 34.652376, lng: 135.135801 },
  { id: 'itc', municipalityCode: '281077', lat: 34.652108, lng: 135.135274 },
];

const index = createSearchIndex(RECORDS, { providers: PROVIDERS });
const search = (r: Partial<SearchRequest>) => index.search({ today: TODAY, limit: 50, ...r });
const ids = (r: Partial<SearchRequest>) => search(r).hits.map((h) => h.id);

describe('matching', () => {
  test('a two-character word finds every programme containing it, title matches first', () => {
    const found = ids({ text: '特許' });
    expect(found).toEqual(['jiii:1']);
    const startup = ids({ text: '創業' });
    expect(startup).toEqual(expect.arrayContaining(['kobe:1', 'kobe:2', 'toshima:1', 'toshima:2']));
    // Title and summary beat a mention in the details.
    expect(startup.indexOf('kobe:1')).toBeLessThan(startup.indexOf('kobe:2'));
  });

  test('half-width katakana finds スタートアップ and, through synonyms, 創業 and 起業', () => {
    const found = ids({ text: 'ｽﾀｰﾄｱｯﾌﾟ' });
    expect(found).toEqual(expect.arrayContaining(['akashi:1', 'kobe:1', 'kobe:3', 'toshima:1', 'niro:1']));
    // The word typed outranks its synonyms among programmes alike in status.
    const upcomingOrOpen = search({ text: 'スタートアップ', filter: { status: ['UPCOMING'] } }).hits;
    expect(upcomingOrOpen[0].id).toBe('akashi:1');
  });

  test('hiragana finds katakana and full width finds ASCII', () => {
    expect(ids({ text: 'せみなー' })).toEqual(expect.arrayContaining(['toshima:3']));
    // IT導入 is in the DX group: the literal title first, then the seminar filed under IT・DX.
    expect(ids({ text: 'ＩＴ導入' })).toEqual(['itc:1', 'toshima:3']);
  });

  test('labels count: a programme filed under 起業・創業 matches 創業 without the word in its text', () => {
    expect(ids({ text: '創業' })).toContain('akashi:1');
  });

  test('every word must match; a kind word (融資) only puts programmes of its kind first', () => {
    expect(ids({ text: '創業 融資', understand: false })).toEqual(['toshima:1']);
    const found = ids({ text: '創業 融資' });
    expect(found[0]).toBe('toshima:1');
    expect(found).toEqual(expect.arrayContaining(['kobe:1', 'toshima:2']));
    expect(found).not.toContain('jiii:1');
  });

  test('words that match nothing together are relaxed: the best partial matches, flagged, the word dropped listed', () => {
    expect(ids({ text: '創業 量子', understand: false })).toEqual([]);
    const r = search({ text: '創業 量子' });
    expect(r.interpretation.relaxed).toBe(true);
    expect(r.interpretation.dropped).toContain('量子');
    expect(r.hits.map((h) => h.id)).toEqual(expect.arrayContaining(['kobe:1', 'toshima:1']));
    // Words that do match together are not relaxed.
    expect(search({ text: '創業 講座' }).interpretation.relaxed).toBe(false);
  });

  test('one kanji is searched as a unigram', () => {
    expect(ids({ text: '塾' })).toContain('toshima:2');
  });

  test('open and ongoing programmes come before upcoming ones, closed ones last', () => {
    const statuses = search({ text: '創業' }).hits.map((h) => h.status);
    const rank = (s: string) => (s === 'CLOSED' ? 2 : s === 'UPCOMING' ? 1 : 0);
    expect(statuses.map(rank)).toEqual([...statuses.map(rank)].sort());
    expect(statuses[statuses.length - 1]).toBe('CLOSED');
  });

  test('without text every programme matches, in id order within a status tier', () => {
    const r = search({});
    expect(r.total).toBe(RECORDS.length);
    expect(r.hits.every((h) => h.score === 0)).toBe(true);
  });
});

describe('filters', () => {
  test('municipality: its areas, enclosing city and prefecture, 全国 and unrestricted programmes', () => {
    // 神戸市中央区 lies in 神戸市 and 兵庫県.
    expect(ids({ filter: { municipalityCode: '281107' } }).sort()).toEqual([
      'itc:1',
      'jiii:1',
      'kobe:1',
      'kobe:2',
      'kobe:3',
      'niro:1',
    ]);
    expect(ids({ filter: { municipalityCode: '131164' } }).sort()).toEqual([
      'niro:1',
      'toshima:1',
      'toshima:2',
      'toshima:3',
    ]);
    expect(() => search({ filter: { municipalityCode: '999999' } })).toThrow(SearchInputError);
  });

  test('employees, industry, closingBefore, status and kinds', () => {
    expect(ids({ filter: { employees: 10 } })).not.toContain('akashi:1');
    expect(ids({ filter: { employees: 5 } })).toContain('akashi:1');
    expect(ids({ filter: { industry: 'I' } })).not.toContain('itc:1');
    expect(ids({ filter: { industry: 'E' } })).toEqual(expect.arrayContaining(['itc:1', 'akashi:2', 'kobe:1']));
    expect(ids({ filter: { closingBefore: '2026-12-31' } }).sort()).toEqual(['kobe:3', 'toshima:2', 'toshima:3']);
    expect(ids({ filter: { status: ['UPCOMING'] } })).toEqual(['akashi:1']);
    expect(ids({ filter: { kinds: ['SEMINAR'] }, text: '創業' }).sort()).toEqual(['kobe:3', 'toshima:2']);
    expect(() => search({ filter: { industry: 'Z' } })).toThrow(SearchInputError);
  });

  test('statuses follow the day asked for', () => {
    expect(search({ today: '2026-06-15', filter: { status: ['OPEN'] }, text: '創業塾' }).hits.map((h) => h.id)).toEqual(
      ['toshima:2'],
    );
  });

  test("a status the programme's page publishes counts as Program.status counts it", () => {
    // Every combination of period (none, open, upcoming, closed) and published status.
    const periods: Array<[string | null, string | null]> = [
      [null, null],
      ['2026-04-01', '2027-01-31'],
      ['2027-01-05', '2027-02-28'],
      ['2026-04-01', '2026-10-31'],
      [null, '2026-12-31'],
    ];
    const published: Array<IndexableProgram['publishedStatus']> = [null, 'OPEN', 'UPCOMING', 'CLOSED', 'ONGOING'];
    const records = periods.flatMap(([opensOn, closesOn], i) =>
      published.map((publishedStatus, j) =>
        program(`p${i}:${j}`, { title: '受付状況の確認', opensOn, closesOn, publishedStatus }),
      ),
    );
    const index = createSearchIndex(records);
    const expected = new Map(records.map((r) => [r.id, programStatus(r, TODAY)]));
    // The cases that differ from the days alone, spelled out.
    expect(expected.get('p1:3')).toBe('CLOSED'); // open by its days, closed by its page (budget spent)
    expect(expected.get('p0:1')).toBe('OPEN'); // no days: the badge decides
    expect(expected.get('p0:2')).toBe('UPCOMING');
    expect(expected.get('p3:1')).toBe('CLOSED'); // the days decide where given
    const all = index.search({ text: '受付状況', today: TODAY, limit: 100 });
    expect(all.total).toBe(records.length);
    for (const hit of all.hits) expect([hit.id, hit.status]).toEqual([hit.id, expected.get(hit.id)]);
    for (const status of ['OPEN', 'UPCOMING', 'CLOSED', 'ONGOING'] as const) {
      const want = records.filter((r) => expected.get(r.id) === status).map((r) => r.id);
      const got = index.search({ text: '受付状況', today: TODAY, limit: 100, filter: { status: [status] } });
      expect(got.hits.map((h) => h.id).sort()).toEqual(want.sort());
      expect(all.facets!.statuses.find((f) => f.value === status)?.count ?? 0).toBe(want.length);
    }
  });
});

describe('facets', () => {
  test('each facet counts under every filter but its own', () => {
    const r = search({ text: '創業', filter: { kinds: ['SEMINAR'], municipalityCode: '131164' } });
    expect(r.hits.map((h) => h.id)).toEqual(['toshima:2']);
    // kinds facet ignores the kinds filter: every 創業 programme open to Toshima firms, by kind.
    expect(r.facets!.kinds).toEqual(
      expect.arrayContaining([
        { value: 'SEMINAR', count: 1 },
        { value: 'LOAN', count: 1 },
        { value: 'EXPERT_DISPATCH', count: 1 },
      ]),
    );
    // prefectures facet ignores the area filter: every 創業 seminar, by prefecture.
    expect(r.facets!.prefectures).toEqual(
      expect.arrayContaining([
        { value: '130001', count: 1 },
        { value: '280003', count: 1 },
      ]),
    );
    // Other facets count only the programmes passing every filter.
    expect(r.facets!.statuses).toEqual([{ value: 'CLOSED', count: 1 }]);
    expect(r.facets!.providers).toEqual([{ value: 'toshima', count: 1 }]);
  });

  test('nationwide and unrestricted programmes count under 000000; values are sorted by count', () => {
    const r = search({});
    expect(r.facets!.prefectures[0]).toEqual({ value: '280003', count: 7 });
    expect(r.facets!.prefectures).toContainEqual({ value: '000000', count: 1 });
    const counts = r.facets!.supportFields.map((f) => f.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });
});

describe('sorting and pages', () => {
  test('closing date: deadlines ahead soonest first, then none, then past ones', () => {
    const hits = search({ sort: 'CLOSING_DATE' }).hits.map((h) => h.id);
    // 12-12, 12-18, 01-29, 02-15, 02-26; then the five without a deadline; then June's.
    expect(hits.slice(0, 5)).toEqual(['toshima:3', 'kobe:3', 'jiii:1', 'akashi:1', 'akashi:2']);
    expect(hits.slice(5, 10).sort()).toEqual(['itc:1', 'kobe:1', 'kobe:2', 'niro:1', 'toshima:1']);
    expect(hits[10]).toBe('toshima:2');
  });

  test('distance from a municipality to the provider, nearest first', () => {
    const hits = search({ text: '創業', sort: 'DISTANCE', origin: '131164' }).hits;
    expect(hits[0].providerId).toBe('toshima');
    expect(hits[0].distanceKm).toBeLessThan(5);
    const km = hits.map((h) => h.distanceKm ?? Infinity);
    expect(km).toEqual([...km].sort((a, b) => a - b));
    expect(() => search({ sort: 'DISTANCE' })).toThrow(SearchInputError);
  });

  test('pages do not overlap and add up to the whole', () => {
    const all = ids({ text: '創業' });
    const pages = [0, 3, 6].flatMap((offset) => search({ text: '創業', offset, limit: 3 }).hits.map((h) => h.id));
    expect(pages).toEqual(all.slice(0, 9));
  });
});

describe('incremental updates', () => {
  test('replacing one source gives the same answers as building from scratch', () => {
    const changed = [
      program('toshima:1', {
        title: '創業資金融資あっせん(改定)',
        summary: '区が融資をあっせんします。',
        kind: 'LOAN',
        supportFields: ['FINANCE'],
        areaCodes: ['131164'],
      }),
      program('toshima:9', {
        title: '量子コンピュータ活用補助金',
        kind: 'SUBSIDY',
        supportFields: ['DX'],
        areaCodes: ['131164'],
      }),
    ];
    const updated = index.withSources(new Map([['toshima/programs', changed]]));
    const fresh = createSearchIndex([...RECORDS.filter((r) => r.providerId !== 'toshima'), ...changed], {
      providers: PROVIDERS,
    });
    for (const text of ['創業', '量子', '融資', '']) {
      const request = { text, today: TODAY, limit: 50 };
      expect(updated.search(request)).toEqual(fresh.search(request));
    }
    expect(updated.search({ text: '量子', today: TODAY }).hits.map((h) => h.id)).toEqual(['toshima:9']);
    expect(index.search({ text: '量子', today: TODAY }).total).toBe(0);
    expect(index.withSources(new Map([['toshima/programs', []]])).search({ today: TODAY }).total).toBe(
      RECORDS.length - 3,
    );
  });
});

describe('who else offers this', () => {
  test('similar programmes of other providers in the same area', () => {
    const loan = RECORDS.find((r) => r.id === 'toshima:1')!;
    const alternatives = index.alternatives(loan, { first: 5, today: TODAY });
    // Only niro:1 (全国) shares STARTUP with it and is open to Toshima firms.
    expect(alternatives.map((a) => a.id)).toEqual(['niro:1']);
    const seminar = RECORDS.find((r) => r.id === 'kobe:3')!;
    const others = index.alternatives(seminar, { first: 5, today: TODAY }).map((a) => a.id);
    expect(others).toEqual(expect.arrayContaining(['akashi:1', 'niro:1']));
    expect(others.some((id) => id.startsWith('kobe:') || id.startsWith('toshima:'))).toBe(false);
  });

  test('providers for a need, by relevance or distance', () => {
    const byRelevance = index.providersFor({ need: '創業', today: TODAY, first: 10 });
    expect(byRelevance.map((p) => p.providerId).sort()).toEqual(['akashi', 'kobe', 'niro', 'toshima']);
    const near = index.providersFor({
      need: '創業',
      municipalityCode: '131164',
      sort: 'DISTANCE',
      today: TODAY,
      first: 10,
    });
    expect(near.map((p) => p.providerId)).toEqual(['toshima', 'niro']);
    expect(near[0].count).toBe(2);
    expect(near[0].programs.map((p) => p.id)).toEqual(['toshima:1', 'toshima:2']);
    expect(() => index.providersFor({ need: ' ', today: TODAY, first: 1 })).toThrow(SearchInputError);
  });
});

describe('highlight', () => {
  test('marks the words found, and their synonyms, in 【】', () => {
    const q = index.parse('ｽﾀｰﾄｱｯﾌﾟ');
    expect(highlight({ title: 'x', summary: '大学発ベンチャーの起業を支援します。', body: null }, q)).toBe(
      '大学発【ベンチャー】の【起業】を支援します。',
    );
    expect(highlight({ title: 'セミナー【新】', summary: null, body: null }, index.parse('せみなー'))).toBe(
      '【セミナー】〔新〕',
    );
  });

  test('a long text is cut around the first match', () => {
    const summary = `${'あ'.repeat(100)}特許${'い'.repeat(100)}`;
    const snippet = highlight({ title: 't', summary, body: null }, index.parse('特許'))!;
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet).toContain('【特許】');
  });

  test('no text, no highlight', () => {
    expect(highlight({ title: 't', summary: 's', body: null }, index.parse(''))).toBeNull();
  });
});

describe('real-world phrasing (issue 29)', () => {
  // 016349 鹿追町 and 010006 北海道; 131164 豊島区 and 130001 東京都.
  const local = createSearchIndex([
    program('town:1', { title: '鹿追町店舗等看板設置補助金', areaCodes: ['016349'], kind: 'SUBSIDY' }),
    program('town:2', { title: '店舗看板設置補助金', areaCodes: ['016349'], kind: 'SUBSIDY' }),
    program('town:3', { title: '観光事業者支援金', areaCodes: ['016349'], kind: 'GRANT' }),
    program('town:4', { title: '鹿追町個人事業主応援金', areaCodes: ['016349'], kind: 'GRANT' }),
    program('pref:1', { title: '看板設置補助金', areaCodes: ['010006'], kind: 'SUBSIDY' }),
    program('pref:2', { title: '漁船燃油補助金', areaCodes: ['010006'], kind: 'SUBSIDY' }),
    program('city:1', { title: '釧路市 溶射加工補助金', areaCodes: ['012068'], kind: 'SUBSIDY' }),
    program('nation:1', { title: '看板設置補助金', areaCodes: ['000000'], kind: 'SUBSIDY' }),
    program('nation:2', { title: '経営相談', areaCodes: [] }),
    program('toshima:9', { title: '看板設置補助金', areaCodes: ['131164'], kind: 'SUBSIDY' }),
    program('toshima:8', { title: '刺繍工房支援', areaCodes: ['131164'] }),
  ]);
  const ask = (text: string, limit = 10) => local.search({ text, today: TODAY, limit, facets: false });
  const ids = (text: string) => ask(text).hits.map((h) => h.id);

  test('a compound finds the title writing it with 等 between; the title writing it whole ranks first', () => {
    expect(ids('店舗看板')).toEqual(['town:2', 'town:1']);
    // 業 appended: the titles say 事業者.
    expect(ids('観光業')).toEqual(['town:3']);
    expect(ask('観光業').interpretation.relaxed).toBe(false);
  });

  test("all else equal, the named town's programme ranks above its prefecture's, then nationwide ones", () => {
    expect(ids('鹿追町 看板設置')).toEqual(['town:2', 'town:1', 'pref:1', 'nation:1']);
    // Without a place the same words rank by text alone, and every area is found.
    expect(ids('看板設置')).toHaveLength(5);
  });

  test('a place alone lists its own programmes first, then its prefecture, then nationwide ones', () => {
    const hits = ids('鹿追町');
    expect(hits.slice(0, 4).every((id) => id.startsWith('town:'))).toBe(true);
    expect(hits.slice(4, 6).every((id) => id.startsWith('pref:'))).toBe(true);
    expect(hits.slice(6).every((id) => id.startsWith('nation:'))).toBe(true);
    expect(hits).not.toContain('toshima:9');
    expect(hits).not.toContain('toshima:8');
    expect(hits).not.toContain('city:1');
  });

  test('relaxation in its order: drop a word, widen to the prefecture, nationwide, then the place alone', () => {
    const dropped = ask('鹿追町 看板設置 ぬゑゐ');
    expect(dropped.interpretation.relaxations).toEqual([{ step: 'DROPPED_TERMS', words: ['ぬゑゐ'], places: [] }]);
    expect(dropped.hits[0].id).toBe('town:2');

    const prefecture = ask('鹿追町 溶射加工');
    expect(prefecture.interpretation.relaxations.map((r) => [r.step, r.places])).toEqual([
      ['WIDENED_TO_PREFECTURE', ['010006']],
    ]);
    expect(prefecture.hits.map((h) => h.id)).toEqual(['city:1']);

    // The prefecture's own programme is open to the town's firms: no relaxation.
    expect(ask('鹿追町 漁船燃油').hits[0].id).toBe('pref:2');
    expect(ask('鹿追町 漁船燃油').interpretation.relaxed).toBe(false);

    // 豊島区's words, asked from 鹿追町: nothing in 北海道, found nationwide.
    const nationwide = ask('鹿追町 刺繍工房');
    expect(nationwide.interpretation.relaxations.map((r) => r.step)).toEqual(['WIDENED_TO_NATIONWIDE']);
    expect(nationwide.hits.map((h) => h.id)).toEqual(['toshima:8']);

    const bare = ask('鹿追町 ぬゑゐ');
    expect(bare.interpretation.relaxations).toEqual([{ step: 'PLACE_ONLY', words: ['ぬゑゐ'], places: ['016349'] }]);
    expect(bare.hits[0].id.startsWith('town:')).toBe(true);

    const kind = ask('鹿追町 セミナー');
    expect(kind.interpretation.relaxations.map((r) => r.step)).toEqual(['DROPPED_KIND']);
    expect(kind.total).toBeGreaterThan(0);

    // Without a place nothing is invented: a word nothing has answers nothing.
    expect(ask('ぬゑゐ').total).toBe(0);
  });

  test('who the firm is ranks programmes for such firms first and never narrows the answer', () => {
    const sole = ask('鹿追町の個人事業主です');
    expect(sole.interpretation.firm).toEqual(['個人事業主']);
    expect(sole.hits[0].id).toBe('town:4');
    expect(sole.total).toBe(ask('鹿追町').total);
  });
});
