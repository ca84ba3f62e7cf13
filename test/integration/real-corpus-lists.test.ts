/**
 * Real files, none written by this project, onboarded by agency:init alone (test/support/
 * real-corpus.ts): init's output is the committed agency file untouched, and syncing it lands the
 * counts and the values checked by hand against the file itself (the cells quoted in the comments).
 * Files from ../shared/data skip, with a notice, where it is absent.
 * Programme lists (CSV and JSON, national and prefectural): J-Net21's municipal programmes, Osaka's,
 * #民間支援情報ナビ's offers, Tokyo's subsidy list.
 */
import { corpusStore, h, onboard, withShared } from '../support/real-corpus';

const store = corpusStore();

withShared('J-Net21: 9,721 real rows of municipal and prefectural programmes', () => {
  test('all but the row without a title land; area, provider, kind and id come from the row itself', async () => {
    const { report, byRow } = await onboard(store(), 'jnet21-municipal-support');
    expect(report).toMatchObject({ outcome: 'updated', read: 9721, accepted: 9720 });
    expect(report.rejected).toEqual([{ row: 139, field: 'title', value: '\u00a0', reason: 'required title is empty' }]);

    // 2020-09-29,332160,岡山県,浅口市,補助金：新型コロナウイルス感染症対応融資支援補助金【浅口市独自】,…,http://www.city.asakuchi.lg.jp/…
    const asakuchi = byRow.get(2)!;
    expect(asakuchi).toMatchObject({
      local_id: h('http://www.city.asakuchi.lg.jp/sangyo/chushokigyo/coronarisihokyuu.html', '332160'),
      provider_id: 'jnet21-municipal-support',
      provider_name: '岡山県浅口市',
      title: '補助金:新型コロナウイルス感染症対応融資支援補助金【浅口市独自】',
      kind: 'SUBSIDY',
      area_codes: ['332160'],
      area_text: '岡山県浅口市',
      url: 'http://www.city.asakuchi.lg.jp/sangyo/chushokigyo/coronarisihokyuu.html',
      updated_on: '2020-09-29',
    });
    // ,023434,青森県,西目屋村,"\u00a0第2弾地域経済応援商品券支給事業\u00a0": no programme word in the title.
    expect(byRow.get(3)).toMatchObject({
      title: '第2弾地域経済応援商品券支給事業',
      kind: 'OTHER',
      area_codes: ['023434'],
      provider_name: '青森県西目屋村',
      updated_on: '2021-11-17',
    });
    // A prefecture's row has no municipality: 270008,大阪府,(blank),支援金：「大阪府雇用促進支援金」【雇入れ期限延長】
    expect(byRow.get(35)).toMatchObject({
      title: '支援金:「大阪府雇用促進支援金」【雇入れ期限延長】',
      kind: 'GRANT',
      area_codes: ['270008'],
      area_text: '大阪府',
      provider_name: '大阪府',
    });
    // 融資：「山口県 経営安定資金(伴走支援枠)」: the last programme word outside brackets is 資金.
    expect(byRow.get(58)).toMatchObject({
      kind: 'LOAN',
      area_codes: ['350001'],
      provider_name: '山口県',
      updated_on: '2022-02-01',
    });
    // セーフティネット保証制度について (鶴居村, 016675)
    expect(byRow.get(8)).toMatchObject({
      title: 'セーフティネット保証制度について',
      kind: 'GUARANTEE',
      area_codes: ['016675'],
      provider_name: '北海道鶴居村',
    });
    // 中小企業振興融資等 (高畠町, 063819) has no URL: its id hashes the blank URL with the code.
    expect(byRow.get(2426)).toMatchObject({
      local_id: h('', '063819'),
      title: '中小企業振興融資等',
      kind: 'LOAN',
      url: null,
      provider_name: '山形県高畠町',
    });
    // 【栃木市】補助金：「栃木市介護施設等物価高騰対策事業費補助金のご案内」
    expect(byRow.get(8013)).toMatchObject({
      kind: 'SUBSIDY',
      area_codes: ['092037'],
      provider_name: '栃木県栃木市',
      updated_on: '2022-09-08',
    });
    // セミナー・イベント：「地域別組合等運営研修会の開催について（ご案内）」: 研修(会) is the last programme word.
    expect(byRow.get(8397)).toMatchObject({ kind: 'SEMINAR', area_codes: ['432156'], provider_name: '熊本県天草市' });
    expect(byRow.get(8397)!.url).toMatch(/^http:\/\/kumachu\.or\.jp\/6943\/\?utm_source=feedly/);
  });
});

withShared('the City of Osaka programme list: 102 rows', () => {
  test('every row lands, markup resolved, categories as purposes and support fields', async () => {
    const { report, byRow } = await onboard(store(), 'osaka-city-support-programs');
    expect(report).toMatchObject({ outcome: 'updated', read: 102, accepted: 102, rejected: [] });
    const byId = new Map([...byRow.values()].map((r) => [r.local_id, r]));
    // ID 100: 各宿泊施設, 2020/04/30 10:31:00, no business category.
    expect(byId.get('100')).toMatchObject({
      kind: 'OTHER',
      contact: '各宿泊施設',
      updated_on: '2020-04-30',
      purposes: [],
      support_fields: [],
      url: 'http://www.pref.osaka.lg.jp/kikikanri/netcafe/kanoshisetsu.html',
    });
    // ID 9: 「（大阪府制度融資） &nbsp;新型コロナウイルス感染症対応緊急資金（セーフティネット保証4号・5号認定・危機関連等）」
    expect(byId.get('9')).toMatchObject({
      title: '(大阪府制度融資) 新型コロナウイルス感染症対応緊急資金(セーフティネット保証4号・5号認定・危機関連等)',
      kind: 'LOAN',
      purposes: ['資金繰り'],
      support_fields: ['FINANCE'],
      contact: '大阪府制度融資の取扱金融機関',
      updated_on: '2020-05-07',
    });
    // ID 44: 窓口 「経済産業省&nbsp;中小企業金融・給付金相談窓口」
    expect(byId.get('44')).toMatchObject({
      title: '信用保証付き融資における保証料・利子減免',
      contact: '経済産業省 中小企業金融・給付金相談窓口',
      purposes: ['資金繰り'],
      support_fields: ['FINANCE'],
    });
    // ID 111: 窓口 「危機管理室&nbsp;」
    expect(byId.get('111')).toMatchObject({
      title: '手洗い・消毒方法・次亜塩素酸ナトリウム液の作り方',
      kind: 'OTHER',
      contact: '危機管理室',
      updated_on: '2020-05-13',
    });
    // ID 67: 相談受付 (a consultation desk), 「相談等;#資金繰り;#補助制度・給付金」
    expect(byId.get('67')).toMatchObject({
      kind: 'CONSULTATION',
      purposes: ['相談等', '資金繰り', '補助制度・給付金'],
      support_fields: ['FINANCE'],
      contact: '経済産業省 中小企業 金融・給付金相談窓口',
    });
    // ID 49: 「相談等;#設備投資、消費喚起等;#雇用・従業員」: 、 is inside a category, only ;# separates.
    expect(byId.get('49')).toMatchObject({
      title: '国内外の中堅・中小企業等へのハンズオン支援',
      kind: 'OTHER',
      purposes: ['相談等', '設備投資、消費喚起等', '雇用・従業員'],
      support_fields: ['EMPLOYMENT'],
    });
    expect(byId.get('26')).toMatchObject({
      kind: 'OTHER',
      purposes: ['補助制度・給付金', '雇用・従業員'],
      support_fields: ['EMPLOYMENT'],
      updated_on: '2020-05-13',
    });
    // No cell keeps its markup.
    const texts = [...byRow.values()]
      .flatMap((r) => [r.title, r.summary, r.contact, ...r.purposes])
      .filter((t): t is string => t !== null);
    expect(texts.filter((t) => /<br|&nbsp;|&#\d+;|&amp;/i.test(t))).toEqual([]);
  });
});

describe("Osaka Prefecture's loan menu, a saved HTML page", () => {
  test("all 13 loans land with links resolved against the page's own address", async () => {
    const { report, byRow } = await onboard(store(), 'osaka-pref-loans');
    expect(report).toMatchObject({ outcome: 'updated', read: 13, accepted: 13, rejected: [] });
    const base = 'http://www.pref.osaka.lg.jp/kinyushien/seido001/menu.html';
    expect(byRow.get(1)).toMatchObject({
      title: '開業サポート資金(開業資金)',
      kind: 'LOAN',
      url: `${base}#kaigyo`,
      eligibility_text: '・創業時又は創業から5年未満の方で資金が必要',
      contact: '金融課、大阪信用保証協会、府内市町村(大阪市を除く)、取扱金融機関',
      local_id: h('開業サポート資金(開業資金)'),
    });
    expect(byRow.get(2)).toMatchObject({
      title: '開業サポート資金(地域支援ネットワーク型)',
      url: `${base}#kaigyo`,
      contact: '取扱金融機関(*2)',
    });
    expect(byRow.get(3)).toMatchObject({
      title: '小規模企業サポート資金(小規模資金)',
      url: `${base}#shokibo`,
      eligibility_text: '・企業規模が小さい',
      contact: '取扱金融機関',
    });
    expect(byRow.get(5)).toMatchObject({
      title: '小規模企業サポート資金(市町村連携型)',
      url: `${base}#sichosonrenkei`,
      contact: '市町村',
    });
    // （設備投資応援融資　市町村連携型）: 融資 is inside the brackets, 資金 outside.
    expect(byRow.get(10)).toMatchObject({
      title: 'チャレンジ応援資金(設備投資応援融資 市町村連携型)',
      kind: 'LOAN',
      url: `${base}#setsubirenkei`,
    });
    // The one absolute link on the page.
    expect(byRow.get(12)).toMatchObject({
      title: 'チャレンジ応援資金(SDGsビジネス支援資金)',
      url: 'https://www.pref.osaka.lg.jp/kinyushien/seido001/menu.html#SDGs',
      eligibility_text: '・SDGsの取り組みを考えている',
    });
    expect(byRow.get(13)).toMatchObject({
      title: '経営安定サポート資金(経営安定資金)',
      url: `${base}#keian`,
      contact: '取扱金融機関',
    });
    expect([...byRow.values()].every((r) => r.kind === 'LOAN' && r.provider_id === 'osaka-pref-loans')).toBe(true);
  });
});

describe('#民間支援情報ナビ, a JSON answer of 400 offers', () => {
  test('388 land; the 12 that repeat another offer are refused as repeats', async () => {
    const { report, byRow } = await onboard(store(), 'vscovid19-business-support');
    expect(report).toMatchObject({ outcome: 'updated', read: 400, accepted: 388 });
    expect(report.rejected).toHaveLength(12);
    expect(
      report.rejected.every(
        (r) =>
          r.field === 'id' &&
          /^derived id repeats row \d+'s: both rows have the same 企業名等 \+ サービス概要/.test(r.reason),
      ),
    ).toBe(true);
    // Record 1: Qubena（キュビナ）, 株式会社COMPASS, 開始日 2020/3/2, 情報更新日 2020-03-02
    expect(byRow.get(1)).toMatchObject({
      title: 'Qubena(キュビナ)',
      provider_name: '株式会社COMPASS',
      kind: 'OTHER',
      opens_on: '2020-03-02',
      closes_on: null,
      updated_on: '2020-03-02',
      eligibility_text: '個人, 教育機関',
      url: 'https://qubena.com/blog/pr-2020302/',
    });
    // 終了日 「未定」 and 「コロナ終息を目途」 say there is no closing day.
    expect(byRow.get(41)).toMatchObject({
      provider_name: '株式会社 地域・技術経営総合研究所',
      opens_on: '2020-02-01',
      closes_on: null,
    });
    expect(byRow.get(44)).toMatchObject({ title: 'PCAクラウド', opens_on: null, closes_on: null });
    // 業種 「情報通信」, 「学術研究、専門・技術サービス, 教育、学習支援」, 「教育、学習支援」
    expect(byRow.get(340)).toMatchObject({ industries: ['G'], opens_on: '2020-02-26', closes_on: '2020-07-31' });
    expect(byRow.get(341)!.industries).toEqual(['L', 'O']);
    expect(byRow.get(354)).toMatchObject({ industries: ['O'], opens_on: null, closes_on: '2020-05-31' });
    // 都道府県 「京都府」; お困りごと 「販路開拓, IT化, 人材, 知的財産, 事業承継, 災害対応, 情報収集」
    expect(byRow.get(350)).toMatchObject({
      area_codes: ['260002'],
      purposes: ['販路開拓', 'IT化', '人材', '知的財産', '事業承継', '災害対応', '情報収集'],
      support_fields: ['SALES', 'DX', 'EMPLOYMENT', 'IP', 'SUCCESSION', 'DISASTER'],
    });
    // 「埼玉県, 千葉県, 東京都, 神奈川県」 and every division of the classification but 情報通信.
    const wide = byRow.get(389)!;
    expect(wide.area_codes).toEqual(['110001', '120006', '130001', '140007']);
    expect(wide.industries).toEqual([
      'A',
      'B',
      'C',
      'D',
      'E',
      'F',
      'H',
      'I',
      'J',
      'K',
      'L',
      'M',
      'N',
      'O',
      'P',
      'Q',
      'R',
      'S',
    ]);
    expect(wide.purposes).toEqual(['設備投資', 'IT化', '災害対応', '情報収集']);
  });
});

describe("the Tokyo Metropolitan Government's subsidy list (令和6年度), 1,720 rows", () => {
  test('every row lands; titles folded, the kind read from the name, bare 補助 included', async () => {
    const { report, byRow } = await onboard(store(), 'tokyo-metro-subsidies');
    expect(report).toMatchObject({ outcome: 'updated', read: 1720, accepted: 1720, rejected: [] });
    // Row 2, the first under the header (rows count records: a cell over several lines is one row): 東京ベイｅＳＧプロジェクト先行プロジェクト補助金, 民間団体, 03-5388-2131 (full-width ｅＳＧ in the name).
    expect(byRow.get(2)).toMatchObject({
      // The id hashes the name as folded: written with full-width or half-width letters, one programme.
      local_id: h('東京ベイeSGプロジェクト先行プロジェクト補助金'),
      provider_id: 'tokyo-metro-subsidies',
      title: '東京ベイeSGプロジェクト先行プロジェクト補助金',
      kind: 'SUBSIDY',
      eligibility_text: '民間団体',
      contact: '03-5388-2131',
      url: 'https://www.tokyobayesg.metro.tokyo.lg.jp/priorityprojects/',
    });
    // The 概要 cell runs over several lines, each a labelled part (補助金の目的：…, 補助対象者：…).
    expect(byRow.get(2)!.summary).toMatch(/^補助金の目的:最先端テクノロジーの社会実装を加速させ/);
    expect(byRow.get(2)!.summary).toMatch(/補助対象者:民間事業者/);
    expect(byRow.get(3)).toMatchObject({
      title: '子供の遊び場等整備事業補助金',
      kind: 'SUBSIDY',
      eligibility_text: '区市町村',
      contact: '03-5388-3812',
      url: 'https://www.kodomoseisaku.metro.tokyo.lg.jp/jigyo/suisin-team/kodomonoegaonitsunagaruasobinosokushin',
    });
    // 各局HPリンク is blank in row 4 (and in 1,005 rows in all).
    expect(byRow.get(4)).toMatchObject({
      title: '多文化キッズサロン設置支援事業補助金',
      kind: 'SUBSIDY',
      eligibility_text: '区市町村',
      url: null,
    });
    // 小笠原諸島生産物貨物運賃補助（東京～父島間）: the bare 補助 ends the name outside the brackets.
    expect(byRow.get(51)).toMatchObject({
      title: '小笠原諸島生産物貨物運賃補助(東京~父島間)',
      kind: 'SUBSIDY',
      eligibility_text: '民間団体',
      contact: '03-5388-2445',
      url: 'https://www.soumu.metro.tokyo.lg.jp/05gyousei/06sinkouogasawarajigyou1.html',
    });
    // 先駆的空き家対策東京モデル支援事業 names no programme word.
    expect(byRow.get(401)).toMatchObject({
      title: '先駆的空き家対策東京モデル支援事業',
      kind: 'OTHER',
      eligibility_text: '区市町村',
      contact: '03-5320-5056',
    });
    // 補助対象者№ is "5" here where most rows write "5 ": the column is not mapped, the row lands alike.
    expect(byRow.get(778)).toMatchObject({
      title: '医療機関等連携強化事業補助金',
      kind: 'SUBSIDY',
      eligibility_text: '民間団体',
      contact: '03-5320-4136',
      url: null,
    });
    expect(byRow.get(1720)).toMatchObject({
      title: '東京連合防火協会補助',
      kind: 'SUBSIDY',
      eligibility_text: 'その他団体',
      contact: '03-3212-2111',
      url: null,
    });
    expect(byRow.get(1721)).toMatchObject({
      title: '消防水利開発補助',
      kind: 'SUBSIDY',
      eligibility_text: '民間団体',
      url: 'http://www.tfd.metro.tokyo.lg.jp/hp-suirika/suiri/index.html',
    });
    const rows = [...byRow.values()];
    expect(rows.filter((r) => r.url === null)).toHaveLength(1005);
    expect(rows.every((r) => r.title === r.title.normalize('NFKC'))).toBe(true);
  });
});
