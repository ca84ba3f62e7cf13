/**
 * Controlled vocabularies shared by adapters, store and subgraphs.
 * Each code maps to its Japanese label; adapters accept either the code or any listed label/alias
 * (after NFKC normalization) so agencies can keep writing their own words in their files.
 */

// Aliases also cover jGrants' use_purpose phrases (新たな事業を行いたい …) and the City of Osaka's
// business categories (雇用・従業員), so those lists map onto support fields where they can.
export const SUPPORT_FIELDS = {
  TECHNOLOGY: {
    label: '技術',
    aliases: ['技術支援', '技術相談', '研究開発', 'ものづくり', '研究開発・実証事業を行いたい'],
  },
  MANAGEMENT: { label: '経営', aliases: ['経営相談', '経営改善', '経営革新'] },
  FINANCE: {
    label: '金融・資金繰り',
    aliases: ['金融', '資金繰り', '融資', '資金調達', '保証', '資金繰りを改善したい'],
  },
  EMPLOYMENT: {
    label: '雇用・人材',
    aliases: [
      '雇用',
      '人材',
      '人材育成',
      '人材確保',
      '職業訓練',
      '雇用・従業員',
      '従業員',
      '人材育成を行いたい',
      '雇用・職場環境を改善したい',
    ],
  },
  SALES: {
    label: '販路開拓',
    aliases: ['販路拡大', '販路', 'マーケティング', '商談会', '展示会', '販路拡大・海外展開をしたい'],
  },
  STARTUP: { label: '起業・創業', aliases: ['起業', '創業', 'スタートアップ', '第二創業', '新たな事業を行いたい'] },
  LABOR: { label: '労務', aliases: ['労務管理', '労働', '就業規則'] },
  IP: { label: '知的財産', aliases: ['知財', '特許', '商標', '意匠'] },
  SUCCESSION: { label: '事業承継', aliases: ['承継', 'M&A', '事業引継ぎ', '事業を引き継ぎたい'] },
  DX: { label: 'IT・DX', aliases: ['IT', 'DX', 'デジタル化', 'IT化', 'ICT', '設備整備・IT導入をしたい'] },
  OVERSEAS: { label: '海外展開', aliases: ['海外', '輸出', '国際化', '貿易'] },
  ENVIRONMENT: {
    label: '環境・エネルギー',
    aliases: ['環境', 'エネルギー', '省エネ', '脱炭素', 'GX', 'エコ・SDGs活動支援がほしい'],
  },
  DISASTER: {
    label: '防災・BCP',
    aliases: [
      'BCP',
      '事業継続',
      '災害',
      '防災',
      '災害対応',
      '災害(自然災害、感染症等)支援がほしい',
      '安全・防災対策支援がほしい',
    ],
  },
} as const;
export type SupportFieldCode = keyof typeof SUPPORT_FIELDS;

export const PROGRAM_KINDS = {
  // 補助 alone ends many names (〜事業費補助); 補給金 pays part of a cost such as interest (利子補給金).
  SUBSIDY: { label: '補助金', aliases: ['補助', '補給金'] },
  // Money given rather than lent, under the names programmes carry (給付金, 奨励金, 支援金 …).
  GRANT: { label: '助成金', aliases: ['助成', '給付金', '奨励金', '支援金', '協力金', '応援金', '交付金'] },
  LOAN: {
    label: '融資',
    aliases: ['融資制度', '融資あっせん', '制度融資', '資金', '貸付', '貸付金', 'ローン', '融資・貸付'],
  },
  GUARANTEE: { label: '保証', aliases: ['保証制度', '信用保証', 'セーフティネット保証'] },
  CONSULTATION: { label: '相談窓口', aliases: ['相談', '窓口相談', '経営相談', '相談会', '相談窓口・相談会'] },
  EXPERT_DISPATCH: { label: '専門家派遣', aliases: ['派遣', '専門家による支援'] },
  SEMINAR: {
    label: 'セミナー',
    aliases: [
      'セミナー・イベント',
      '研修',
      '講座',
      'イベント',
      '商談会',
      '説明会',
      '講習会',
      '勉強会',
      'ワークショップ',
    ],
  },
  TECHNICAL_SERVICE: { label: '技術支援・依頼試験', aliases: ['技術支援', '依頼試験', '技術相談', '共同研究'] },
  EQUIPMENT: { label: '設備貸与', aliases: ['設備貸与', '機器利用', '設備利用', '施設貸出', 'インキュベーション施設'] },
  CERTIFICATION: { label: '認定', aliases: ['認証', '表彰'] },
  TRAINING: { label: '職業訓練', aliases: ['能力開発', '技能検定'] },
  MATCHING: { label: 'マッチング', aliases: ['ビジネスマッチング', '取引あっせん'] },
  OTHER: { label: 'その他', aliases: [] },
} as const;
export type ProgramKindCode = keyof typeof PROGRAM_KINDS;

/**
 * Application status as a programme page publishes it (受付状況: a badge such as 受付中 or 募集終了),
 * kept beside the period: the period decides where it gives days, the page's word where it gives
 * none or says the programme closed early (domain/programStatus.ts).
 */
export const PROGRAM_STATUSES = {
  OPEN: { label: '受付中', aliases: ['募集中', '公募中', '申請受付中', '受付開始', '実施中', '開催中'] },
  UPCOMING: {
    label: '受付前',
    aliases: ['募集予定', '公募予定', '受付予定', '開始予定', '近日公開', '近日受付開始', '準備中', '予定'],
  },
  CLOSED: {
    label: '受付終了',
    aliases: [
      '募集終了',
      '公募終了',
      '終了',
      '締切',
      '締め切り',
      '〆切',
      '受付締切',
      '募集締切',
      '締切済',
      '終了しました',
    ],
  },
  ONGOING: { label: '随時', aliases: ['随時受付', '随時募集', '通年', '通年受付', '常時', '常時受付'] },
} as const;
export type ProgramStatusCode = keyof typeof PROGRAM_STATUSES;

export const ORGANIZATION_KINDS = {
  SUPPORT_CENTER: { label: '中小企業支援センター', aliases: ['支援センター', '産業支援センター', '相談拠点'] },
  PUBLIC_RESEARCH_INSTITUTE: { label: '公設試験研究機関', aliases: ['県立試験研究機関', '公設試'] },
  RESEARCH_FOUNDATION: { label: '研究機関', aliases: ['研究財団'] },
  INDUSTRY_PROMOTION_FOUNDATION: { label: '産業振興財団', aliases: ['産業振興機関'] },
  CREDIT_GUARANTEE_CORPORATION: { label: '信用保証協会', aliases: [] },
  CHAMBER_OF_COMMERCE: { label: '商工会議所', aliases: ['商工会議所連合会'] },
  SOCIETY_OF_COMMERCE: { label: '商工会', aliases: ['商工会連合会'] },
  SME_FEDERATION: { label: '中小企業団体中央会', aliases: [] },
  INDUSTRY_ASSOCIATION: { label: '業界団体', aliases: ['工業会', '発明協会'] },
  EMPLOYMENT_BODY: { label: '雇用・能力開発機関', aliases: ['雇用支援機関', '職業能力開発'] },
  SHINKIN_BANK: { label: '信用金庫', aliases: [] },
  LOCAL_GOVERNMENT: { label: '自治体', aliases: ['地方公共団体', '市区町村', '都道府県'] },
  OTHER: { label: 'その他', aliases: [] },
} as const;
export type OrganizationKindCode = keyof typeof ORGANIZATION_KINDS;

export const CHANNELS = {
  COUNTER: { label: '窓口', aliases: ['来所', '窓口相談'] },
  PHONE: { label: '電話', aliases: ['TEL'] },
  VISIT: { label: '訪問', aliases: ['出張', '巡回'] },
  ONLINE: { label: 'オンライン', aliases: ['Web', 'ウェブ', 'メール', 'Zoom'] },
} as const;
export type ChannelCode = keyof typeof CHANNELS;

/** Japan Standard Industrial Classification (日本標準産業分類, JSIC Rev.14) major divisions. */
export const JSIC_DIVISIONS = {
  A: '農業，林業',
  B: '漁業',
  C: '鉱業，採石業，砂利採取業',
  D: '建設業',
  E: '製造業',
  F: '電気・ガス・熱供給・水道業',
  G: '情報通信業',
  H: '運輸業，郵便業',
  I: '卸売業，小売業',
  J: '金融業，保険業',
  K: '不動産業，物品賃貸業',
  L: '学術研究，専門・技術サービス業',
  M: '宿泊業，飲食サービス業',
  N: '生活関連サービス業，娯楽業',
  O: '教育，学習支援業',
  P: '医療，福祉',
  Q: '複合サービス事業',
  R: 'サービス業（他に分類されないもの）',
  S: '公務（他に分類されるものを除く）',
  T: '分類不能の産業',
} as const;
export type JsicDivision = keyof typeof JSIC_DIVISIONS;

/** Consultation outcomes (対応結果). */
export const OUTCOMES = {
  ADVISED: { label: '助言', aliases: ['助言済', '回答'] },
  REFERRED: { label: '他機関紹介', aliases: ['紹介', '取次', '紹介済'] },
  APPLIED: { label: '制度申請', aliases: ['申請支援', '申請'] },
  CONTINUING: { label: '継続支援', aliases: ['継続', 'フォローアップ', '継続相談'] },
  CLOSED: { label: '完了', aliases: ['終了', '対応済', '完了済'] },
} as const;
export type OutcomeCode = keyof typeof OUTCOMES;

/**
 * What a growth-firm committee (成長企業発掘・育成委員会) minute records about a firm: a decision on
 * a nominated or top-scored firm, or the end of a selected firm's support reported to it.
 */
export const COMMITTEE_OUTCOMES = {
  SELECTED: { label: '選定', aliases: ['採択', '成長期待企業に選定'] },
  DEFERRED: { label: '保留', aliases: ['継続審議', '次回審議'] },
  DECLINED: { label: '見送り', aliases: ['不選定', '非選定'] },
  GRADUATED: { label: '卒業', aliases: ['支援完了'] },
  WITHDRAWN: { label: '支援終了', aliases: ['辞退', '中止', '支援中止'] },
} as const;
export type CommitteeOutcomeCode = keyof typeof COMMITTEE_OUTCOMES;

type Vocabulary = Record<string, { label: string; aliases: readonly string[] }>;

/** Builds a lookup from code, label and aliases (NFKC, case-folded) to the code. */
export function createVocabularyLookup<V extends Vocabulary>(vocab: V): (input: string) => keyof V | undefined {
  const index = new Map<string, keyof V>();
  const key = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  for (const [code, { label, aliases }] of Object.entries(vocab)) {
    index.set(key(code), code);
    index.set(key(label), code);
    for (const alias of aliases) if (!index.has(key(alias))) index.set(key(alias), code);
  }
  return (input) => index.get(key(input));
}
