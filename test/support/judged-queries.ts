/**
 * Judged queries over the demo agencies' programmes (demo/files/*\/programs.csv, and the
 * national subsidies in demo/files/jgrants/subsidies.json): for each
 * query, the programmes a firm asking it would want, judged by reading the programmes, not from
 * any engine's output. Used by the search quality test (precision at 5) and as the query mix of
 * bench/search.ts.
 *
 * The sentences are written for this project in the way firms put their questions to a counter
 * (the FAQ pages of 商工会議所, よろず支援拠点 and 信用保証協会 counters; the white paper's Hyogo and
 * Toshima cases): what they need, in their words, often with a place and a polite ending. Their
 * relevant programmes were chosen by reading demo/files, before any engine was run on them.
 */

export interface JudgedQuery {
  text: string;
  filter?: Record<string, unknown>;
  /** Programme ids a firm asking this would want. */
  relevant: string[];
  /** What the query exercises. */
  note: string;
  /** A keyword search (words as an agency writes them) or a sentence in a firm's own words. */
  style?: 'keyword' | 'sentence';
  /** For sentences: the need it expresses, to count how many needs the set covers. */
  need?: string;
}

const STARTUP = [
  'akashi-ipf:AKS-01',
  'akashi-ipf:AKS-07',
  'fbri:FBRI-004',
  'fbri:FBRI-005',
  'fuji-fbiz:FBZ-02',
  'fuji-fbiz:FBZ-07',
  'hyogo-cci:CCI-07',
  'hyogo-cgc:CGC-01',
  'hyogo-iac:IAC-004',
  'hyogo-iac:IAC-010',
  'hyogo-shokokai:SKR-03',
  'jgrants:a0WDEMO0000SOGYO01',
  'kobe-ipf:KIPF-002',
  'kobe-ipf:KIPF-003',
  'niro:NIRO-007',
  'sugamo-sbiz:SBZ-01',
  'sugamo-sbiz:SBZ-07',
  'toshima-bizsapo:BZS-03',
  'toshima-bizsapo:BZS-08',
  'toshima-city:TSM-001',
  'toshima-city:TSM-005',
  'toshima-city:TSM-006',
];

const LOANS = [
  'akashi-ipf:AKS-08',
  'hyogo-cci:CCI-08',
  'sugamo-sbiz:SBZ-01',
  'sugamo-sbiz:SBZ-02',
  'toshima-city:TSM-001',
  'toshima-city:TSM-002',
  'toshima-city:TSM-003',
  'toshima-city:TSM-004',
  'hyogo-cgc:CGC-01',
  'hyogo-cgc:CGC-02',
  'hyogo-cgc:CGC-03',
  'hyogo-cgc:CGC-04',
  'hyogo-cgc:CGC-05',
  'hyogo-cgc:CGC-06',
  'hyogo-cgc:CGC-07',
  'toshima-bizsapo:BZS-04',
  'kobe-ipf:KIPF-008',
  'sugamo-sbiz:SBZ-06',
  'hyogo-cgc:CGC-09',
];

const CASH_FLOW = [
  ...LOANS,
  'akashi-ipf:AKS-05',
  'hyogo-cci:CCI-01',
  'hyogo-iac:IAC-001',
  'hyogo-iac:IAC-003',
  'kobe-ipf:KIPF-001',
  'toshima-bizsapo:BZS-01',
  'toshima-city:TSM-009',
];

const SEMINARS = [
  'akashi-ipf:AKS-06',
  'ampi:AMPI-004',
  'ampi:AMPI-008',
  'fbri:FBRI-005',
  'fuji-fbiz:FBZ-05',
  'fuji-fbiz:FBZ-06',
  'hyogo-cci:CCI-07',
  'hyogo-chuokai:CHU-06',
  'hyogo-hsta:HSTA-006',
  'hyogo-hsta:HSTA-007',
  'hyogo-iac:IAC-010',
  'hyogo-itc:ITC-005',
  'hyogo-jiii:JIII-005',
  'hyogo-jiii:JIII-007',
  'hyogo-kogyokai:KGK-001',
  'hyogo-kogyokai:KGK-003',
  'hyogo-kogyokai:KGK-006',
  'hyogo-kogyokai:KGK-007',
  'hyogo-kogyokai:KGK-008',
  'hyogo-koyo:KOY-06',
  'hyogo-shokokai:SKR-03',
  'kobe-ipf:KIPF-003',
  'niro:NIRO-006',
  'sugamo-sbiz:SBZ-07',
  'toshima-bizsapo:BZS-07',
  'toshima-bizsapo:BZS-08',
  'toshima-city:TSM-006',
  'toshima-city:TSM-014',
  // Courses filed as vocational training.
  'hyogo-kogyokai:KGK-002',
  'hyogo-itc:ITC-008',
  'hyogo-vada:VDA-04',
  'jeed-hyogo:JEED-02',
  'ampi:AMPI-005',
];

const SUBSIDIES = [
  'akashi-ipf:AKS-03',
  'akashi-ipf:AKS-04',
  'amagasaki-ipo:AMA-03',
  'amagasaki-ipo:AMA-05',
  'amagasaki-ipo:AMA-07',
  'fbri:FBRI-007',
  'hyogo-cci:CCI-02',
  'hyogo-chuokai:CHU-02',
  'hyogo-chuokai:CHU-05',
  'hyogo-hsta:HSTA-001',
  'hyogo-hsta:HSTA-002',
  'hyogo-hsta:HSTA-005',
  'hyogo-iac:IAC-004',
  'hyogo-iac:IAC-007',
  'hyogo-iac:IAC-008',
  'hyogo-iac:IAC-009',
  'hyogo-jiii:JIII-003',
  'hyogo-jiii:JIII-004',
  'hyogo-koyo:KOY-04',
  'hyogo-koyo:KOY-07',
  'hyogo-shokokai:SKR-04',
  'jeed-hyogo:JEED-05',
  'jeed-hyogo:JEED-06',
  'jeed-hyogo:JEED-07',
  'jgrants:a0WDEMO0000SOGYO01',
  'jgrants:a0WDEMO0000HANRO01',
  'jgrants:a0WDEMO0000ITDX001',
  'jgrants:a0WDEMO0000MONO001',
  'jgrants:a0WDEMO0000KAIGAI1',
  'jgrants:a0WDEMO0000SHOKEI1',
  'jgrants:a0WDEMO0000SHOENE1',
  'jgrants:a0WDEMO0000SAIGAI1',
  'kobe-ipf:KIPF-005',
  'kobe-ipf:KIPF-006',
  'kobe-ipf:KIPF-009',
  'niro:NIRO-003',
  'niro:NIRO-008',
  'toshima-city:TSM-007',
  'toshima-city:TSM-008',
  'toshima-city:TSM-011',
  'toshima-city:TSM-012',
  'toshima-city:TSM-013',
];

const SALES_CHANNELS = [
  'akashi-ipf:AKS-03',
  'akashi-ipf:AKS-04',
  'akashi-ipf:AKS-06',
  'amagasaki-ipo:AMA-08',
  'fbri:FBRI-006',
  'fbri:FBRI-008',
  'fuji-fbiz:FBZ-01',
  'fuji-fbiz:FBZ-03',
  'fuji-fbiz:FBZ-06',
  'hyogo-cci:CCI-02',
  'hyogo-cci:CCI-04',
  'hyogo-chuokai:CHU-04',
  'hyogo-chuokai:CHU-05',
  'hyogo-iac:IAC-001',
  'hyogo-iac:IAC-006',
  'hyogo-iac:IAC-007',
  'hyogo-kogyokai:KGK-004',
  'hyogo-kogyokai:KGK-005',
  'hyogo-shokokai:SKR-04',
  'hyogo-shokokai:SKR-07',
  'jgrants:a0WDEMO0000HANRO01',
  'jgrants:a0WDEMO0000KAIGAI1',
  'kobe-ipf:KIPF-005',
  'kobe-ipf:KIPF-006',
  'kobe-ipf:KIPF-007',
  'kobe-ipf:KIPF-010',
  'sugamo-sbiz:SBZ-03',
  'sugamo-sbiz:SBZ-05',
  'toshima-bizsapo:BZS-02',
  'toshima-bizsapo:BZS-07',
  'toshima-city:TSM-007',
  'toshima-city:TSM-008',
  'toshima-city:TSM-013',
  'toshima-city:TSM-014',
  'toshima-city:TSM-015',
];

const IP = [
  'hyogo-jiii:JIII-001',
  'hyogo-jiii:JIII-002',
  'hyogo-jiii:JIII-003',
  'hyogo-jiii:JIII-004',
  'hyogo-jiii:JIII-005',
  'hyogo-jiii:JIII-006',
  'hyogo-jiii:JIII-007',
  'hyogo-jiii:JIII-008',
  'niro:NIRO-001',
  'niro:NIRO-004',
  'toshima-bizsapo:BZS-09',
];

const SUCCESSION = [
  'hyogo-cci:CCI-06',
  'hyogo-cgc:CGC-03',
  'hyogo-iac:IAC-005',
  'jgrants:a0WDEMO0000SHOKEI1',
  'hyogo-shokokai:SKR-06',
  'sugamo-sbiz:SBZ-04',
  'toshima-city:TSM-010',
  'hyogo-chuokai:CHU-07',
  'hyogo-cgc:CGC-08',
  'kobe-ipf:KIPF-001',
  'hyogo-chuokai:CHU-06',
];

const DIGITAL = [
  'jgrants:a0WDEMO0000MONO001',
  'fuji-fbiz:FBZ-04',
  'kobe-ipf:KIPF-005',
  'hyogo-iac:IAC-009',
  'toshima-city:TSM-013',
  'hyogo-itc:ITC-009',
  'hyogo-iac:IAC-002',
  'akashi-ipf:AKS-06',
  'hyogo-chuokai:CHU-07',
  'kobe-ipf:KIPF-004',
  'toshima-bizsapo:BZS-06',
  'hyogo-vada:VDA-07',
  'hyogo-chuokai:CHU-02',
  'jgrants:a0WDEMO0000ITDX001',
];

const OVERSEAS = [
  'jgrants:a0WDEMO0000KAIGAI1',
  'fbri:FBRI-008',
  'hyogo-cci:CCI-09',
  'hyogo-iac:IAC-007',
  'hyogo-jiii:JIII-004',
  'hyogo-kogyokai:KGK-005',
  'kobe-ipf:KIPF-006',
  'toshima-city:TSM-014',
];

const EMPLOYMENT = [
  'ampi:AMPI-004',
  'ampi:AMPI-005',
  'ampi:AMPI-007',
  'fuji-fbiz:FBZ-05',
  'hyogo-cci:CCI-05',
  'hyogo-chuokai:CHU-06',
  'hyogo-hsta:HSTA-007',
  'hyogo-itc:ITC-005',
  'hyogo-itc:ITC-008',
  'hyogo-kogyokai:KGK-001',
  'hyogo-kogyokai:KGK-002',
  'hyogo-kogyokai:KGK-003',
  'hyogo-kogyokai:KGK-006',
  'hyogo-koyo:KOY-01',
  'hyogo-koyo:KOY-02',
  'hyogo-koyo:KOY-03',
  'hyogo-koyo:KOY-04',
  'hyogo-koyo:KOY-05',
  'hyogo-koyo:KOY-06',
  'hyogo-koyo:KOY-07',
  'hyogo-koyo:KOY-08',
  'hyogo-vada:VDA-01',
  'hyogo-vada:VDA-02',
  'hyogo-vada:VDA-03',
  'hyogo-vada:VDA-04',
  'hyogo-vada:VDA-05',
  'hyogo-vada:VDA-06',
  'hyogo-vada:VDA-07',
  'hyogo-vada:VDA-08',
  'jeed-hyogo:JEED-02',
  'jeed-hyogo:JEED-03',
  'jeed-hyogo:JEED-04',
  'jeed-hyogo:JEED-05',
  'jeed-hyogo:JEED-06',
  'jeed-hyogo:JEED-07',
  'jeed-hyogo:JEED-08',
  'toshima-bizsapo:BZS-05',
];

const HIRING = [
  'hyogo-koyo:KOY-01',
  'hyogo-koyo:KOY-02',
  'hyogo-koyo:KOY-03',
  'hyogo-koyo:KOY-04',
  'hyogo-koyo:KOY-05',
  'hyogo-koyo:KOY-07',
  'hyogo-koyo:KOY-08',
  'jeed-hyogo:JEED-04',
  'jeed-hyogo:JEED-05',
  'jeed-hyogo:JEED-06',
  'jeed-hyogo:JEED-07',
];

const TRADE_FAIRS = [
  'akashi-ipf:AKS-03',
  'kobe-ipf:KIPF-006',
  'toshima-city:TSM-007',
  'hyogo-iac:IAC-007',
  'toshima-city:TSM-015',
  'hyogo-kogyokai:KGK-004',
  'fbri:FBRI-008',
  'jgrants:a0WDEMO0000HANRO01',
  'jgrants:a0WDEMO0000KAIGAI1',
];

const BUSINESS_MEETINGS = [
  'hyogo-cci:CCI-04',
  'hyogo-iac:IAC-006',
  'kobe-ipf:KIPF-007',
  'hyogo-shokokai:SKR-07',
  'sugamo-sbiz:SBZ-05',
  'amagasaki-ipo:AMA-08',
  'hyogo-kogyokai:KGK-004',
  'toshima-city:TSM-015',
  'sugamo-sbiz:SBZ-03',
  'fbri:FBRI-006',
  'hyogo-kogyokai:KGK-005',
  'fuji-fbiz:FBZ-03',
  'jgrants:a0WDEMO0000HANRO01',
];

const SYNCHROTRON = ['hyogo-hsta:HSTA-003', 'hyogo-hsta:HSTA-004', 'hyogo-hsta:HSTA-005', 'hyogo-hsta:HSTA-006'];

/** Keyword searches: words as agencies write them. */
export const KEYWORD_QUERIES: JudgedQuery[] = [
  // Two-character words
  { text: '創業', relevant: STARTUP, note: '2-character word' },
  { text: '融資', relevant: LOANS, note: '2-character word' },
  { text: '販路', relevant: SALES_CHANNELS, note: '2-character word, prefix of 販路開拓/販路拡大' },
  { text: '特許', relevant: IP, note: '2-character word' },
  { text: '承継', relevant: SUCCESSION, note: '2-character word inside 事業承継' },
  {
    text: '溶接',
    relevant: [
      'ampi:AMPI-001',
      'ampi:AMPI-002',
      'ampi:AMPI-003',
      'ampi:AMPI-005',
      'ampi:AMPI-007',
      'amagasaki-ipo:AMA-04',
      'jeed-hyogo:JEED-02',
    ],
    note: '2-character word',
  },
  { text: '採用', relevant: HIRING, note: '2-character word, synonym of 雇用/人材' },
  // Width and kana variants
  { text: 'ｽﾀｰﾄｱｯﾌﾟ', relevant: STARTUP, note: 'half-width katakana, synonym of 創業' },
  { text: 'ＩＴ', relevant: DIGITAL, note: 'full-width Latin letters' },
  { text: 'ＤＸ', relevant: DIGITAL, note: 'full-width Latin letters' },
  { text: 'せみなー', relevant: SEMINARS, note: 'hiragana for セミナー' },
  { text: 'ｾﾐﾅｰ', relevant: SEMINARS, note: 'half-width katakana' },
  {
    text: '３Ｄプリンター',
    relevant: ['hyogo-itc:ITC-005', 'ampi:AMPI-006'],
    note: 'full-width digits, optional final ー (プリンタ)',
  },
  { text: 'ＳＰｒｉｎｇ－８', relevant: SYNCHROTRON, note: 'full-width Latin and digits' },
  { text: 'ｲﾝｷｭﾍﾞｰｼｮﾝ', relevant: ['fbri:FBRI-004', 'akashi-ipf:AKS-07'], note: 'half-width katakana' },
  {
    text: 'れーざー',
    relevant: [
      'ampi:AMPI-001',
      'ampi:AMPI-003',
      'ampi:AMPI-004',
      'ampi:AMPI-008',
      'ampi:AMPI-006',
      'amagasaki-ipo:AMA-04',
    ],
    note: 'hiragana for レーザー',
  },
  // Synonyms
  { text: '起業', relevant: STARTUP, note: 'synonym of 創業' },
  { text: '資金繰り', relevant: CASH_FLOW, note: 'synonym group 資金繰り = 融資 = 資金調達' },
  { text: '販路開拓', relevant: SALES_CHANNELS, note: 'synonym group 販路拡大 = 販路開拓' },
  { text: '事業承継', relevant: SUCCESSION, note: 'synonym group 事業承継 = 後継者 = 事業引継ぎ' },
  { text: '知財', relevant: IP, note: 'synonym of 特許/知的財産' },
  { text: 'デジタル化', relevant: DIGITAL, note: 'synonym of DX/IT化' },
  { text: '海外展開', relevant: OVERSEAS, note: 'synonym group 海外展開 = 輸出' },
  { text: '輸出', relevant: OVERSEAS, note: 'synonym of 海外展開' },
  { text: '人材', relevant: EMPLOYMENT, note: 'synonym group 人材 = 雇用 = 採用' },
  { text: '補助金', relevant: SUBSIDIES, note: 'synonym group 補助金 = 助成金' },
  {
    text: '省エネ',
    relevant: [
      'jgrants:a0WDEMO0000SHOENE1',
      'amagasaki-ipo:AMA-05',
      'amagasaki-ipo:AMA-06',
      'toshima-city:TSM-012',
      'hyogo-kogyokai:KGK-008',
      'niro:NIRO-006',
      'ampi:AMPI-008',
    ],
    note: 'synonym group 省エネ = 脱炭素',
  },
  { text: '展示会', relevant: TRADE_FAIRS, note: 'synonym group 展示会 = 見本市' },
  { text: '商談会', relevant: BUSINESS_MEETINGS, note: 'synonym group 商談会 = ビジネスマッチング' },
  {
    text: 'BCP',
    relevant: ['hyogo-chuokai:CHU-08', 'toshima-city:TSM-011', 'hyogo-kogyokai:KGK-007'],
    note: 'Latin word',
  },
  {
    text: '高齢者',
    relevant: ['hyogo-koyo:KOY-02', 'jeed-hyogo:JEED-04', 'jeed-hyogo:JEED-07'],
    note: 'synonym of 高年齢者',
  },
  {
    text: 'ネットショップ',
    relevant: [
      'jgrants:a0WDEMO0000ITDX001',
      'jgrants:a0WDEMO0000KAIGAI1',
      'akashi-ipf:AKS-06',
      'fuji-fbiz:FBZ-04',
      'toshima-city:TSM-013',
      'toshima-city:TSM-014',
      'akashi-ipf:AKS-03',
      'kobe-ipf:KIPF-005',
    ],
    note: 'synonym of EC',
  },
  // Compounds and several words
  {
    text: '創業塾',
    relevant: [
      'hyogo-shokokai:SKR-03',
      'toshima-city:TSM-006',
      'kobe-ipf:KIPF-003',
      'hyogo-cci:CCI-07',
      'hyogo-iac:IAC-010',
      'sugamo-sbiz:SBZ-07',
      'toshima-bizsapo:BZS-08',
    ],
    note: 'compound cut into 創業 + 塾, both with synonyms',
  },
  {
    text: '創業 融資',
    relevant: [
      'sugamo-sbiz:SBZ-01',
      'toshima-city:TSM-001',
      'hyogo-cgc:CGC-01',
      'kobe-ipf:KIPF-002',
      'akashi-ipf:AKS-01',
      'toshima-bizsapo:BZS-03',
      'toshima-city:TSM-005',
    ],
    note: 'two words, both must match',
  },
  {
    text: '医療機器',
    relevant: [
      'fbri:FBRI-001',
      'fbri:FBRI-002',
      'fbri:FBRI-003',
      'fbri:FBRI-004',
      'fbri:FBRI-005',
      'fbri:FBRI-006',
      'fbri:FBRI-007',
      'fbri:FBRI-008',
    ],
    note: '4-character word',
  },
  {
    text: '障害者雇用',
    relevant: ['hyogo-koyo:KOY-03', 'jeed-hyogo:JEED-05', 'jeed-hyogo:JEED-06'],
    note: 'compound of two dictionary words',
  },
  {
    text: '技能検定',
    relevant: ['hyogo-vada:VDA-01', 'hyogo-vada:VDA-02', 'hyogo-vada:VDA-03'],
    note: 'plain 4-character word',
  },
  // Filters with text
  {
    text: '創業',
    filter: { municipalityCode: '131164' },
    relevant: [
      'jgrants:a0WDEMO0000SOGYO01',
      'toshima-bizsapo:BZS-03',
      'toshima-bizsapo:BZS-08',
      'toshima-city:TSM-001',
      'toshima-city:TSM-005',
      'toshima-city:TSM-006',
      'sugamo-sbiz:SBZ-01',
      'sugamo-sbiz:SBZ-07',
      'fbri:FBRI-005',
      'niro:NIRO-007',
    ],
    note: 'text + municipality (豊島区)',
  },
  { text: 'セミナー', filter: { status: ['OPEN'] }, relevant: SEMINARS, note: 'text + status' },
  {
    text: '補助金',
    filter: { municipalityCode: '281107', employees: 20 },
    relevant: SUBSIDIES,
    note: 'text + municipality (神戸市中央区) + firm size',
  },
  {
    text: '相談',
    filter: { supportFields: ['FINANCE'] },
    relevant: [
      'akashi-ipf:AKS-05',
      'hyogo-cci:CCI-01',
      'hyogo-cgc:CGC-09',
      'hyogo-iac:IAC-001',
      'kobe-ipf:KIPF-001',
      'kobe-ipf:KIPF-002',
      'kobe-ipf:KIPF-008',
      'sugamo-sbiz:SBZ-06',
      'toshima-bizsapo:BZS-01',
      'toshima-bizsapo:BZS-04',
      'toshima-city:TSM-009',
    ],
    note: 'text + support field',
  },
  { text: '販路', filter: { kinds: ['MATCHING'] }, relevant: BUSINESS_MEETINGS, note: 'text + kind' },
  { text: '人材育成', filter: { industry: 'E' }, relevant: EMPLOYMENT, note: 'text + industry (製造業)' },
];

const REPAYMENT = [
  'hyogo-cgc:CGC-04',
  'hyogo-cgc:CGC-06',
  'hyogo-cgc:CGC-07',
  'hyogo-cgc:CGC-02',
  'kobe-ipf:KIPF-008',
  'sugamo-sbiz:SBZ-06',
  'hyogo-iac:IAC-001',
  'toshima-city:TSM-002',
  'toshima-bizsapo:BZS-04',
  ...CASH_FLOW,
];

const MANAGEMENT_COUNTERS = [
  'hyogo-iac:IAC-001',
  'akashi-ipf:AKS-05',
  'hyogo-cci:CCI-01',
  'kobe-ipf:KIPF-001',
  'toshima-bizsapo:BZS-01',
  'toshima-city:TSM-009',
  'fuji-fbiz:FBZ-01',
  'toshima-bizsapo:BZS-02',
  'hyogo-iac:IAC-002',
  'hyogo-cgc:CGC-08',
  'hyogo-chuokai:CHU-07',
  'kobe-ipf:KIPF-004',
  'toshima-bizsapo:BZS-06',
];

const CLOSING = [...SUCCESSION, ...MANAGEMENT_COUNTERS, 'hyogo-cgc:CGC-06', 'kobe-ipf:KIPF-008', 'sugamo-sbiz:SBZ-06'];

const WEBSITE = [
  'jgrants:a0WDEMO0000KAIGAI1',
  'jgrants:a0WDEMO0000HANRO01',
  'jgrants:a0WDEMO0000ITDX001',
  'hyogo-shokokai:SKR-04',
  'hyogo-cci:CCI-02',
  'kobe-ipf:KIPF-004',
  'kobe-ipf:KIPF-005',
  'fuji-fbiz:FBZ-04',
  'akashi-ipf:AKS-03',
  'akashi-ipf:AKS-06',
  'toshima-city:TSM-013',
  'toshima-bizsapo:BZS-06',
];

const FOREIGN_WEBSITE = ['jgrants:a0WDEMO0000KAIGAI1', 'toshima-city:TSM-014', ...OVERSEAS, ...WEBSITE];

const ONLINE_SALES = [
  'jgrants:a0WDEMO0000ITDX001',
  'jgrants:a0WDEMO0000KAIGAI1',
  'akashi-ipf:AKS-06',
  'fuji-fbiz:FBZ-04',
  'toshima-city:TSM-013',
  'toshima-city:TSM-014',
  'akashi-ipf:AKS-03',
  'kobe-ipf:KIPF-005',
];

const PRODUCT_DEVELOPMENT = [
  'kobe-ipf:KIPF-009',
  'hyogo-iac:IAC-008',
  'amagasaki-ipo:AMA-07',
  'amagasaki-ipo:AMA-01',
  'hyogo-hsta:HSTA-002',
  'hyogo-chuokai:CHU-05',
  'hyogo-chuokai:CHU-02',
  'hyogo-itc:ITC-006',
  'hyogo-itc:ITC-004',
  'hyogo-itc:ITC-005',
  'niro:NIRO-008',
  'niro:NIRO-004',
  'ampi:AMPI-006',
  'hyogo-jiii:JIII-008',
  'jgrants:a0WDEMO0000MONO001',
  'fbri:FBRI-007',
];

const NEW_BUSINESS = [
  'hyogo-iac:IAC-008',
  'jgrants:a0WDEMO0000SOGYO01',
  'fbri:FBRI-001',
  'hyogo-chuokai:CHU-05',
  'kobe-ipf:KIPF-009',
  'jgrants:a0WDEMO0000MONO001',
  'hyogo-chuokai:CHU-02',
  'hyogo-jiii:JIII-008',
  'niro:NIRO-004',
  ...MANAGEMENT_COUNTERS,
];

const EQUIPMENT_INVESTMENT = [
  'amagasaki-ipo:AMA-03',
  'toshima-city:TSM-003',
  'hyogo-iac:IAC-003',
  'jgrants:a0WDEMO0000MONO001',
  'hyogo-chuokai:CHU-02',
  'sugamo-sbiz:SBZ-02',
  'akashi-ipf:AKS-08',
  'hyogo-cci:CCI-08',
  'amagasaki-ipo:AMA-05',
  'jgrants:a0WDEMO0000SHOENE1',
  'toshima-city:TSM-012',
  'toshima-city:TSM-011',
];

const PRODUCTIVITY = [
  'hyogo-iac:IAC-009',
  'hyogo-itc:ITC-009',
  'jgrants:a0WDEMO0000ITDX001',
  'fuji-fbiz:FBZ-04',
  'hyogo-iac:IAC-002',
  'toshima-city:TSM-013',
  'kobe-ipf:KIPF-005',
  'jgrants:a0WDEMO0000MONO001',
  'hyogo-chuokai:CHU-02',
  'hyogo-kogyokai:KGK-002',
  'hyogo-shokokai:SKR-04',
  'hyogo-cci:CCI-02',
];

const HIRING_WIDE = [...HIRING, 'hyogo-koyo:KOY-06', 'toshima-bizsapo:BZS-05', 'kobe-ipf:KIPF-001'];

const DIVERSE_EMPLOYMENT = [
  'hyogo-koyo:KOY-02',
  'hyogo-koyo:KOY-03',
  'jeed-hyogo:JEED-04',
  'jeed-hyogo:JEED-05',
  'jeed-hyogo:JEED-06',
  'jeed-hyogo:JEED-07',
];

const LABOUR = [
  'hyogo-chuokai:CHU-03',
  'toshima-bizsapo:BZS-05',
  'hyogo-kogyokai:KGK-006',
  'hyogo-kogyokai:KGK-007',
  'hyogo-koyo:KOY-06',
  'hyogo-koyo:KOY-02',
  'hyogo-koyo:KOY-04',
  'jeed-hyogo:JEED-04',
  'akashi-ipf:AKS-05',
  'hyogo-cci:CCI-01',
  'toshima-city:TSM-009',
  'toshima-bizsapo:BZS-01',
];

const DISASTER = [
  'hyogo-chuokai:CHU-08',
  'toshima-city:TSM-011',
  'hyogo-kogyokai:KGK-007',
  'jgrants:a0WDEMO0000SAIGAI1',
  'hyogo-cgc:CGC-02',
];

const RISING_COSTS = [
  'hyogo-cgc:CGC-09',
  'toshima-city:TSM-004',
  'hyogo-cgc:CGC-08',
  'hyogo-cgc:CGC-07',
  'hyogo-cgc:CGC-02',
  'kobe-ipf:KIPF-008',
  'sugamo-sbiz:SBZ-06',
  ...MANAGEMENT_COUNTERS,
];

const TAX = [
  'hyogo-cci:CCI-01',
  'akashi-ipf:AKS-05',
  'hyogo-cci:CCI-02',
  'jgrants:a0WDEMO0000ITDX001',
  'hyogo-iac:IAC-009',
  'hyogo-iac:IAC-001',
  'kobe-ipf:KIPF-001',
  'toshima-bizsapo:BZS-01',
  'toshima-city:TSM-009',
  'hyogo-iac:IAC-002',
  'toshima-bizsapo:BZS-06',
];

const DECARBONISATION = [
  'jgrants:a0WDEMO0000SHOENE1',
  'amagasaki-ipo:AMA-05',
  'amagasaki-ipo:AMA-06',
  'toshima-city:TSM-012',
  'hyogo-kogyokai:KGK-008',
  'niro:NIRO-006',
  'ampi:AMPI-008',
  'niro:NIRO-003',
];

const LOCAL_PRODUCE = [
  'hyogo-shokokai:SKR-07',
  'hyogo-shokokai:SKR-03',
  'hyogo-cci:CCI-04',
  'kobe-ipf:KIPF-010',
  'hyogo-itc:ITC-010',
  'hyogo-chuokai:CHU-05',
  'jgrants:a0WDEMO0000HANRO01',
];

const TECHNICAL = [
  'hyogo-itc:ITC-001',
  'hyogo-itc:ITC-002',
  'hyogo-itc:ITC-003',
  'hyogo-itc:ITC-007',
  'hyogo-itc:ITC-010',
  'ampi:AMPI-001',
  'ampi:AMPI-002',
  'amagasaki-ipo:AMA-04',
  'amagasaki-ipo:AMA-01',
  'hyogo-hsta:HSTA-003',
  'ampi:AMPI-006',
  'hyogo-itc:ITC-004',
  'niro:NIRO-002',
  'hyogo-hsta:HSTA-008',
  'niro:NIRO-001',
];

const SHOPPING_STREETS = ['akashi-ipf:AKS-04', 'toshima-city:TSM-008'];

const TRAINING = [...EMPLOYMENT.filter((id) => !HIRING.includes(id)), 'hyogo-iac:IAC-002'];

const FOREIGN_WORKERS = ['hyogo-koyo:KOY-08', 'hyogo-koyo:KOY-01'];

const SUBSIDIES_KOBE = SUBSIDIES.filter(
  (id) => !/^(akashi-ipf|amagasaki-ipo|toshima-city):/.test(id) && id !== 'jgrants:a0WDEMO0000SAIGAI1',
);

const STARTUP_TOSHIMA = [
  'jgrants:a0WDEMO0000SOGYO01',
  'toshima-bizsapo:BZS-03',
  'toshima-bizsapo:BZS-08',
  'toshima-city:TSM-001',
  'toshima-city:TSM-005',
  'toshima-city:TSM-006',
  'sugamo-sbiz:SBZ-01',
  'sugamo-sbiz:SBZ-07',
  'fbri:FBRI-005',
  'niro:NIRO-007',
];

const STARTUP_AKASHI = STARTUP.filter(
  (id) => !/^(toshima-city|toshima-bizsapo|sugamo-sbiz|fuji-fbiz|kobe-ipf):/.test(id) && id !== 'fbri:FBRI-004',
);

const CASH_FLOW_TOSHIMA = CASH_FLOW.filter((id) => /^(toshima-city|toshima-bizsapo|sugamo-sbiz):/.test(id));

const s = (text: string, need: string, relevant: string[], filter?: Record<string, unknown>): JudgedQuery => ({
  text,
  need,
  relevant,
  filter,
  note: `sentence: ${need}`,
  style: 'sentence',
});

/** Sentences in a firm's own words. */
export const SENTENCE_QUERIES: JudgedQuery[] = [
  // 創業・開業
  s('自分のお店を開きたいのですが、何から始めればいいですか', '創業・開業', STARTUP),
  s('脱サラしてラーメン屋を始めようと思っています', '創業・開業', STARTUP),
  s('来年、会社を立ち上げる予定です', '創業・開業', STARTUP),
  s('独立開業を考えている者です。相談に乗ってもらえますか', '創業・開業', STARTUP),
  s('起業したいけど資金がない', '創業・開業', [
    ...STARTUP.filter((id) => LOANS.includes(id) || CASH_FLOW.includes(id)),
    'kobe-ipf:KIPF-002',
    'jgrants:a0WDEMO0000SOGYO01',
    'hyogo-iac:IAC-004',
    'niro:NIRO-007',
    'fbri:FBRI-005',
    'toshima-bizsapo:BZS-03',
    'akashi-ipf:AKS-01',
  ]),
  s('豊島区で創業したいと考えています', '創業・開業', STARTUP_TOSHIMA),
  s('明石市内でパン屋を開業したい', '創業・開業', STARTUP_AKASHI),
  s('起業について学べる講座を探しています', '創業・開業', [
    'hyogo-shokokai:SKR-03',
    'toshima-city:TSM-006',
    'kobe-ipf:KIPF-003',
    'hyogo-cci:CCI-07',
    'hyogo-iac:IAC-010',
    'sugamo-sbiz:SBZ-07',
    'toshima-bizsapo:BZS-08',
    'fbri:FBRI-005',
  ]),
  // 女性・若者・シニアの起業
  s('子育てをしながら小さく起業したい', '女性・若者・シニアの起業', ['hyogo-shokokai:SKR-03', ...STARTUP]),
  s('定年退職後に自分で商売を始めたいシニアです', '女性・若者・シニアの起業', STARTUP),
  s('女性の起業を支援してくれるところはありますか', '女性・若者・シニアの起業', STARTUP),
  s('大学生ですが在学中に起業したいです', '女性・若者・シニアの起業', STARTUP),
  // 資金繰り・返済
  s('借入の返済がきついです', '資金繰り・返済', REPAYMENT),
  s('毎月の返済が苦しくて、返済額を減らしたい', '資金繰り・返済', REPAYMENT),
  s('売上が落ちて資金繰りが厳しい', '資金繰り・返済', REPAYMENT),
  s('取引先が倒産して売掛金が回収できない', '資金繰り・返済', REPAYMENT),
  s('運転資金が足りなくなりそうです', '資金繰り・返済', REPAYMENT),
  s('豊島区で資金繰りの相談ができるところ', '資金繰り・返済', CASH_FLOW_TOSHIMA),
  // 融資・資金調達
  s('事業資金を低い金利で借りたい', '融資・資金調達', LOANS),
  s('銀行からお金を借りるときの保証について知りたい', '融資・資金調達', LOANS),
  s('担保がなくても借りられる融資はありますか', '融資・資金調達', LOANS),
  // 事業承継
  s('後を継ぐ人がいません', '事業承継', SUCCESSION),
  s('息子に会社を継がせたいが何を準備すればよいか', '事業承継', SUCCESSION),
  s('高齢になったので誰かに店を譲りたい', '事業承継', SUCCESSION),
  s('後継者が見つからず困っている', '事業承継', SUCCESSION),
  // 廃業・再チャレンジ
  s('廃業しようか迷っています', '廃業・再チャレンジ', CLOSING),
  s('一度事業をたたんだが、もう一度チャレンジしたい', '廃業・再チャレンジ', CLOSING),
  // 海外展開
  s('海外に自社の商品を売りたい', '海外展開', OVERSEAS),
  s('輸出を始めたいが手続きが分からない', '海外展開', OVERSEAS),
  s('アジアの展示会に出展してみたい', '海外展開', [...OVERSEAS, ...TRADE_FAIRS]),
  s('海外のお客さんにネットで販売したい', '海外展開', [
    'toshima-city:TSM-014',
    'jgrants:a0WDEMO0000KAIGAI1',
    ...OVERSEAS,
    ...ONLINE_SALES,
  ]),
  // 外国語のウェブサイト
  s('英語のサイトを作りたい', '外国語のウェブサイト', FOREIGN_WEBSITE),
  s('外国人向けに多言語のホームページを用意したい', '外国語のウェブサイト', FOREIGN_WEBSITE),
  // ホームページ・IT
  s('ホームページを作りたいのですが補助はありますか', 'ホームページ・IT活用', WEBSITE),
  s('会社のIT化を進めたい', 'ホームページ・IT活用', [...DIGITAL, ...WEBSITE]),
  s('キャッシュレス決済を導入したい', 'ホームページ・IT活用', [
    'kobe-ipf:KIPF-005',
    'toshima-city:TSM-013',
    'jgrants:a0WDEMO0000ITDX001',
    ...DIGITAL,
  ]),
  s('SNSで店の宣伝をしたい', 'ホームページ・IT活用', [
    'akashi-ipf:AKS-06',
    'fuji-fbiz:FBZ-04',
    'toshima-bizsapo:BZS-07',
    ...WEBSITE,
  ]),
  // ネット販売
  s('ネットで商品を売りたい', 'ネット販売', ONLINE_SALES),
  s('通販サイトを立ち上げたい', 'ネット販売', ONLINE_SALES),
  // 販路開拓
  s('売上を伸ばしたいがどうしたらいいか', '販路開拓', [...SALES_CHANNELS, ...MANAGEMENT_COUNTERS]),
  s('新しい取引先を見つけたい', '販路開拓', [...SALES_CHANNELS, ...BUSINESS_MEETINGS]),
  s('お客さんが減ってきて困っている', '販路開拓', [...SALES_CHANNELS, ...MANAGEMENT_COUNTERS]),
  s('大手メーカーに自社の技術を売り込みたい', '販路開拓', [...BUSINESS_MEETINGS, ...TRADE_FAIRS]),
  s('百貨店のバイヤーと商談したい', '販路開拓', BUSINESS_MEETINGS),
  // 展示会
  s('展示会に出展する費用を補助してほしい', '展示会', TRADE_FAIRS),
  s('神戸市内の会社ですが展示会の出展費用を助成してもらえますか', '展示会', [
    'kobe-ipf:KIPF-006',
    'hyogo-iac:IAC-007',
    'jgrants:a0WDEMO0000HANRO01',
    'jgrants:a0WDEMO0000KAIGAI1',
    'hyogo-shokokai:SKR-04',
    'hyogo-cci:CCI-02',
  ]),
  // 商品開発
  s('新しい商品を開発したい', '商品開発', PRODUCT_DEVELOPMENT),
  s('アイデアはあるので試作品を作ってみたい', '商品開発', PRODUCT_DEVELOPMENT),
  s('自社技術を活かした新製品の開発費を補助してほしい', '商品開発', PRODUCT_DEVELOPMENT),
  // 事業再構築
  s('業態転換を考えている', '事業再構築', NEW_BUSINESS),
  s('本業とは別の分野に進出したい', '事業再構築', NEW_BUSINESS),
  // 設備投資
  s('機械を入れたい', '設備投資', EQUIPMENT_INVESTMENT),
  s('古くなった設備を新しくしたい', '設備投資', EQUIPMENT_INVESTMENT),
  s('工場に新しい機械を導入する資金を借りたい', '設備投資', [...EQUIPMENT_INVESTMENT, ...LOANS]),
  // 省力化
  s('人手をかけずに作業を自動化したい', '省力化', PRODUCTIVITY),
  s('事務作業の効率を上げたい', '省力化', PRODUCTIVITY),
  s('工場の生産性を高めたい', '省力化', PRODUCTIVITY),
  // 雇用・人材確保
  s('人手が足りない', '雇用・人材確保', HIRING_WIDE),
  s('求人を出しても人が集まりません', '雇用・人材確保', HIRING_WIDE),
  s('若い人を採用したい', '雇用・人材確保', HIRING_WIDE),
  s('せっかく採用した若手がすぐ辞めてしまう', '雇用・人材確保', HIRING_WIDE),
  // 人材育成
  s('社員を育てる研修を受けさせたい', '人材育成', TRAINING),
  s('若手に溶接の技能を身につけさせたい', '人材育成', [
    'ampi:AMPI-005',
    'ampi:AMPI-007',
    'jeed-hyogo:JEED-02',
    'hyogo-vada:VDA-06',
    'ampi:AMPI-004',
  ]),
  s('従業員に資格を取らせたい', '人材育成', TRAINING),
  // 外国人材
  s('外国人を雇いたいのですが手続きが分からない', '外国人材', FOREIGN_WORKERS),
  // 高齢者・障害者の雇用
  s('障害のある方を雇用したい', '高齢者・障害者の雇用', DIVERSE_EMPLOYMENT),
  s('定年を延ばして高齢の社員に働き続けてほしい', '高齢者・障害者の雇用', DIVERSE_EMPLOYMENT),
  // 労務
  s('就業規則を見直したい', '労務', LABOUR),
  s('残業を減らして働きやすい職場にしたい', '労務', LABOUR),
  // 防災・BCP
  s('災害に備えたい', '防災・BCP', DISASTER),
  s('地震が起きても事業を続けられるようにしたい', '防災・BCP', DISASTER),
  s('台風の被害を受けた', '防災・BCP', DISASTER),
  // 値上げ・価格転嫁
  s('原材料が値上がりして利益が出ない', '値上げ・価格転嫁', RISING_COSTS),
  s('取引先に値上げを頼みたい', '値上げ・価格転嫁', RISING_COSTS),
  s('物価高で経営が苦しい', '値上げ・価格転嫁', RISING_COSTS),
  // インボイス
  s('インボイス制度への対応が分からない', 'インボイス', TAX),
  s('経理や税金のことを相談したい', 'インボイス', TAX),
  // 脱炭素
  s('脱炭素に取り組みたい', '脱炭素', DECARBONISATION),
  s('電気代が高いので省エネ設備にしたい', '脱炭素', DECARBONISATION),
  s('取引先からCO2を減らすように言われた', '脱炭素', DECARBONISATION),
  // 農商工連携
  s('地元の特産品を使った加工品を売りたい', '農商工連携', LOCAL_PRODUCE),
  s('農家と一緒に新しい食品を作りたい', '農商工連携', [...LOCAL_PRODUCE, ...PRODUCT_DEVELOPMENT]),
  // 知的財産
  s('商品の名前を商標登録したい', '知的財産', IP),
  s('他社にアイデアを真似されないようにしたい', '知的財産', IP),
  s('特許を取りたいが費用が心配', '知的財産', IP),
  // 経営相談
  s('経営のことを気軽に相談できる窓口はありますか', '経営相談', MANAGEMENT_COUNTERS),
  s('専門家に来てもらって経営の課題を見てほしい', '経営相談', MANAGEMENT_COUNTERS),
  // 技術相談
  s('製品の強度を試験してもらいたい', '技術相談', TECHNICAL),
  s('不良品が多いので原因を調べてほしい', '技術相談', TECHNICAL),
  s('大学と共同で研究開発したい', '技術相談', TECHNICAL),
  // 商店街
  s('商店街でイベントを開きたい', '商店街', SHOPPING_STREETS),
  // Places in the text
  s('神戸市で使える補助金はありますか', '補助金', SUBSIDIES_KOBE),
  s(
    '兵庫県内で受けられるセミナーを探しています',
    'セミナー',
    SEMINARS.filter((id) => !/^(toshima-city|toshima-bizsapo|sugamo-sbiz|fuji-fbiz):/.test(id)),
  ),
];

export const JUDGED_QUERIES: JudgedQuery[] = [
  ...KEYWORD_QUERIES.map((q) => ({ ...q, style: 'keyword' as const })),
  ...SENTENCE_QUERIES,
];
