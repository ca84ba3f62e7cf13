/**
 * Real files, none written by this project, onboarded by agency:init alone (test/support/
 * real-corpus.ts): init's output is the committed agency file untouched, and syncing it lands the
 * counts and the values checked by hand against the file itself (the cells quoted in the comments).
 * Files from ../shared/data skip, with a notice, where it is absent.
 * Public bodies' web pages (a <dl> layout, one <table> per programme or event): Iwamizawa,
 * Shijonawate, Asahikawa.
 */
import { corpusStore, initAndSync, onboard, type Row } from '../support/real-corpus';

const store = corpusStore();

describe("the City of Iwamizawa's support page (いろいろな支援), a <dl> layout", () => {
  test('23 programmes land from 26 <dl> blocks; the 項目/概要 label rows are skipped, not refused', async () => {
    const { report, byRow } = await onboard(store(), 'iwamizawa-covid-support');
    expect(report).toMatchObject({ outcome: 'updated', read: 26, accepted: 23, rejected: [] });
    // <dl><dt>項目</dt><dd>概要</dd></dl> heads each of the three blocks.
    expect(report.skipped).toEqual(
      [1, 18, 21].map((row) => ({ row, reason: 'the column labels repeated ("項目", "概要"), not a record' })),
    );
    const site = 'https://www.city.iwamizawa.hokkaido.jp';
    // <dt><a href="/content/detail/3146702/">住居確保給付金</a></dt><dd>休業等により収入が減少し、…</dd>
    expect(byRow.get(2)).toMatchObject({
      title: '住居確保給付金',
      kind: 'GRANT',
      url: `${site}/content/detail/3146702/`,
      summary: '休業等により収入が減少し、離職や廃業と同程度の状況にある方の家賃相当額を家主さんに支給します。',
      provider_id: 'iwamizawa-covid-support',
    });
    expect(byRow.get(3)).toMatchObject({
      title: '市税・公共料金に関するご相談(支払い猶予・分割納付)',
      kind: 'CONSULTATION',
      url: `${site}/content/detail/3143817/`,
    });
    // A link to another body's site: 北海道後期高齢者医療連合会.
    expect(byRow.get(5)).toMatchObject({
      title: '後期高齢者医療保険料の減免(北海道後期高齢者医療連合会のホームページへ)',
      url: 'https://iryokouiki-hokkaido.jp/hotnews/detail/00001987.html',
    });
    expect(byRow.get(7)).toMatchObject({
      title: '国民年金保険料の免除',
      url: 'https://www.nenkin.go.jp/service/kokunen/menjo/0430.html',
    });
    expect(byRow.get(8)).toMatchObject({
      title: '緊急小口資金・総合支援資金(生活費貸付)',
      kind: 'LOAN',
      url: 'http://www.iwamizawa-syakyo.or.jp/corona',
    });
    // <dt>ひとり親家庭生活支援資金（生活費貸付）</dt>: no link.
    expect(byRow.get(9)).toMatchObject({
      title: 'ひとり親家庭生活支援資金(生活費貸付)',
      kind: 'LOAN',
      url: null,
      summary: 'ひとり親家庭(児童扶養手当を受給している方)を対象に、必要な生活費の貸し付けを行います。',
    });
    expect(byRow.get(11)).toMatchObject({
      title: '子育て世帯への臨時特別給付金',
      kind: 'GRANT',
      url: null,
      summary: '児童手当を受給している方を対象に、児童1人につき1万円を支給します。',
    });
    expect(byRow.get(14)).toMatchObject({ title: '特別定額給付金', kind: 'GRANT', url: null });
    expect(byRow.get(19)).toMatchObject({
      title: '傷病手当金(国民健康保険)',
      url: `${site}/content/detail/3143497/`,
      summary: '新型コロナウイルス感染症に感染し、その療養のために仕事を休んだ場合に支給します。',
    });
    expect(byRow.get(22)).toMatchObject({ title: '岩見沢市生活サポートセンターりんく', url: 'https://link-zawa.com/' });
    expect(byRow.get(26)).toMatchObject({
      title: 'DVの相談窓口の設置',
      kind: 'CONSULTATION',
      url: `${site}/content/detail/3144952/`,
    });
  });
});

describe("the City of Shijonawate's list of support (支援策), one <table> per programme", () => {
  test('all 58 programmes land with title, target, content and contact from their <caption> and <th>/<td> rows', async () => {
    const { yaml, report } = await initAndSync(store(), 'shijonawate-covid-support');
    expect(report).toMatchObject({ outcome: 'updated', read: 58, accepted: 58, rejected: [], skipped: [] });
    // The page was saved without its address: its relative links resolve to nothing, and init says so.
    expect(yaml).toMatch(/a saved page that declares no address .* so no URL field is proposed/);
    const rows = await store().query<Row>(
      'select title, kind, eligibility_text, summary, contact, url, source_row from programs where source_id = $1',
      [report.sourceId],
    );
    const byRow = new Map(rows.map((r) => [r.source_row, r]));
    // <caption><strong>事業再構築補助金</strong></caption>, 対象者: 思い切った事業再構築に挑戦する中小企業等
    expect(byRow.get(33)).toMatchObject({
      title: '事業再構築補助金',
      kind: 'SUBSIDY',
      eligibility_text: '思い切った事業再構築に挑戦する中小企業等',
      url: null,
    });
    expect(byRow.get(33)!.contact).toMatch(/^事業再構築補助金事務局コールセンター 0570-012-088/);
    expect(byRow.get(39)).toMatchObject({
      title: '危機関連保証',
      kind: 'GUARANTEE',
      eligibility_text: '業績が悪化(売上が前年同月比15%以上減少)している事業者',
    });
    expect(byRow.get(39)!.summary).toMatch(/^保証率:借入債務の100%\n保証枠:一般枠とは別枠で2億円/);
    expect(byRow.get(20)).toMatchObject({
      title: '緊急小口資金',
      kind: 'LOAN',
      eligibility_text: '休業や減収などで生活費が必要な人',
    });
    expect(byRow.get(20)!.contact).toMatch(/^四條畷市社会福祉協議会 072-878-1210/);
    expect(byRow.get(43)).toMatchObject({
      title: '持続化給付金',
      kind: 'GRANT',
      eligibility_text: '業績が悪化(売上が前年同月比50%以上減少)している事業者',
    });
    expect(byRow.get(43)!.contact).toMatch(/^持続化給付金事業コールセンター 0120-279-292/);
    // 対象者: 水道を利用しているすべてのみなさま; 問い合わせ: 四條畷水道センター 072-876-7302
    expect(byRow.get(2)).toMatchObject({
      title: '水道基本料金の全額免除【市・大阪広域水道企業団】',
      kind: 'OTHER',
      eligibility_text: '水道を利用しているすべてのみなさま',
      contact: '四條畷水道センター 072-876-7302',
    });
    expect(byRow.get(3)).toMatchObject({
      title: '新生児・おなかの赤ちゃん給付金【市独自】',
      kind: 'GRANT',
      contact: '保健センター',
    });
    expect(byRow.get(11)).toMatchObject({
      title: '飲食店舗宅配導入支援【市独自】',
      eligibility_text: '宅配を始める飲食店',
      contact: '産業振興課',
    });
    expect(byRow.get(57)).toMatchObject({
      title: '介護保険の納付が困難',
      summary: '猶予制度がありますので、お問い合わせください。',
      contact: 'くすのき広域連合本部総務課 06-6995-1516',
    });
  });
});

describe("the City of Asahikawa's trade fairs and business meetings (販路拡大), one <table> per event", () => {
  test('24 of 25 land with title, summary, contact and closing day; the one whose deadline names two plans is refused', async () => {
    const { yaml, report } = await initAndSync(store(), 'asahikawa-sales-channel-events');
    expect(report).toMatchObject({ outcome: 'updated', read: 25, accepted: 24, skipped: [] });
    // 申込締切 cells say more than a day (「令和3年10月29日（金曜日）午後5時まで」, 「…＊終了しました」,
    // 「…※予定小間数に達した時点で受付締切となります。」); the day is read through the hour, まで and the
    // notes. Row 18 gives one deadline per plan (「基本プラン：令和4年3月予定 / プレミアムプラン：令和3年
    // 10月29日（金曜日）」): no one closing day, so the row is refused, as init says it will be.
    expect(report.rejected).toEqual([expect.objectContaining({ row: 18, field: '申込締切' })]);
    expect(yaml).toMatch(/\n {6}closesOn: 申込締切\n/);
    expect(yaml).toMatch(/unsure: 1 row\(s\) hold values closesOn cannot read and will be refused/);
    const rows = await store().query<Row>(
      'select title, kind, summary, contact, body, closes_on::text as closes_on, source_row from programs where source_id = $1',
      [report.sourceId],
    );
    const byRow = new Map(rows.map((r) => [r.source_row, r]));
    expect([1, 2, 5, 9, 13, 22].map((r) => byRow.get(r)!.closes_on)).toEqual([
      '2021-10-29', // 令和3年10月29日（金曜日）
      '2021-10-29', // 令和3年10月29日（金曜日）午後5時まで
      '2021-11-29', // 令和3年11月29日（月曜日） ※予定小間数に達した時点で受付締切となります。
      '2021-08-26', // 令和3年8月26日（木曜日）（必着）＊終了しました
      '2021-07-26', // 令和3年7月26日（月曜日）17時（必着）＊終了しました
      '2021-07-30', // 令和3年7月30日（金曜日）12時＊終了しました
    ]);
    expect(byRow.has(18)).toBe(false);
    // <caption>「北海道食のブランドステップアップ相談会in旭川」参加事業者募集</caption>, 内容: 上川総合振興局では、…
    expect(byRow.get(1)).toMatchObject({
      title: '「北海道食のブランドステップアップ相談会in旭川」参加事業者募集',
      kind: 'CONSULTATION',
    });
    expect(byRow.get(1)!.summary).toMatch(/^上川総合振興局では、食品製造業を営んでいる方や/);
    expect(byRow.get(2)).toMatchObject({
      title: 'バイヤーズキッチンオンライン商談会2022参加事業者募集',
      kind: 'SEMINAR',
    });
    expect(byRow.get(2)!.summary).toMatch(/^\(一財\)道北地域旭川地場産業振興センターでは/);
    expect(byRow.get(5)).toMatchObject({ title: '北海道産品取引商談会(東京・大阪会場)', kind: 'SEMINAR' });
    expect(byRow.get(5)!.contact).toMatch(/^\(一社\)北海道貿易物産振興会/);
    expect(byRow.get(12)).toMatchObject({ title: '道産食品オンライン個別商談会', kind: 'SEMINAR' });
    expect(byRow.get(12)!.contact).toMatch(/^食クラスター連携協議体商品開発・販路拡大支援チーム/);
    expect(byRow.get(19)).toMatchObject({ title: 'ユジノサハリンスク北北海道物産展出品商品募集', kind: 'OTHER' });
    expect(byRow.get(19)!.contact).toMatch(/^サハリン文化経済戦略協議会 \(事務局:旭川市経済部経済交流課\)/);
    expect(byRow.get(22)).toMatchObject({
      title: 'ジェトロ食品輸出オンライン商談会(フリーマッチング)',
      kind: 'SEMINAR',
    });
    // The kind a title names last: 商談会 and セミナー are seminars; a fair or a catalogue names none.
    expect([3, 4, 8, 13, 14, 17, 20, 24].map((r) => [byRow.get(r)!.title, byRow.get(r)!.kind])).toEqual([
      ['かみかわ食産業商品開発・販路拡大セミナー&商談会', 'SEMINAR'],
      ['近鉄百貨店バイヤー商品磨き上げ事業~新市場獲得への道~', 'OTHER'],
      ['オンラインで商品の魅力を伝える!動画制作・活用セミナー', 'SEMINAR'],
      ['株式会社エース『北野エース店舗用商品』商談会', 'SEMINAR'],
      ['コープ宅配システム『トドック』オンライン商談会', 'SEMINAR'],
      ['第36回北海道産品取引商談会(札幌会場)', 'SEMINAR'],
      ['旧正月はドンキだよ!北海道フェア商品大募集', 'OTHER'],
      ['微風廣場20周年「北海道フェアin台湾」参加企業の募集', 'OTHER'],
    ]);
    expect(byRow.get(25)).toMatchObject({ title: '商田實業有限公司専用カタログ掲載参加企業の募集' });
    expect(byRow.get(25)!.contact).toMatch(/^\(一社\)北海道国際流通機構 〒060-0052札幌市中央区南2条東1丁目1-12/);
  });
});
