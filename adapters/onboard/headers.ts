/**
 * The words agencies head their columns with, per common-schema field: what `agency:init` matches
 * a header against (after folding: NFKC, lower case, no spaces, bracketed notes such as
 * （最大40文字） dropped). A header equal to a word is a strong match, one ending or containing it a
 * weaker one; the longer the word, the more it says.
 */
import type { EntityKind } from '../../domain/records';

export const HEADER_WORDS: Record<EntityKind, Record<string, readonly string[]>> = {
  program: {
    localId: [
      'id',
      '施策id',
      '制度id',
      '事業id',
      'no',
      '番号',
      '管理番号',
      '整理番号',
      '識別子',
      'コード',
      '施策コード',
    ],
    title: [
      '施策名',
      '制度名',
      '制度名称',
      '事業名',
      '事業名称',
      '補助金名',
      '助成金名',
      '資金名',
      '資金名称',
      '名称',
      'タイトル',
      'title',
      '件名',
      'サービス名称',
      'サービスの名称',
      'サービス名',
      '支援名',
      '支援策名',
      'name',
    ],
    titleKana: ['名称_カナ', '名称カナ', 'カナ', 'フリガナ', 'ふりがな', 'よみがな', '読み'],
    summary: ['概要', '要約', 'summary', 'サービス概要', '制度概要', '事業概要', '支援内容', '内容'],
    body: ['詳細', '詳細説明', '本文', 'body', '説明', 'detail', 'details', 'description'],
    kind: [
      '種別',
      '制度種別',
      '支援種別',
      '施策種別',
      '種類',
      '区分',
      'カテゴリ',
      'カテゴリー',
      'category',
      'kind',
      'type',
    ],
    supportFields: ['支援分野', '分野', '対象分野', '支援メニュー'],
    purposes: ['利用目的', '目的', 'use_purpose', 'purpose', 'タグ', 'tags', '分類', 'お困りごと', '事業者向け分類'],
    area: [
      '対象地域',
      '対象エリア',
      '実施地域',
      '地域',
      'エリア',
      'area',
      'target_area_search',
      '都道府県',
      '市区町村',
      '全国地方公共団体コード',
      '団体コード',
      'lgcode',
    ],
    industries: ['対象業種', '業種', 'industry', '標準産業分類', 'サービス対象の業種'],
    employeeCeiling: ['従業員数', '従業員規模', '対象従業員数', 'target_number_of_employees'],
    eligibilityText: [
      '対象者',
      '対象',
      '申請対象',
      '対象事業者',
      '利用対象',
      'サービスの対象者',
      '申込資格',
      '要件',
      'こんなときにご利用ください',
    ],
    maxAmount: [
      '上限額',
      '補助上限',
      '補助上限額',
      '上限金額',
      '補助金額',
      '助成額',
      '限度額',
      '融資限度額',
      '融資額',
      '金額',
      'subsidy_max_limit',
    ],
    subsidyRate: ['補助率', '補助率・利率', '利率', '助成率', '融資利率', 'subsidy_rate'],
    period: ['申請期間', '受付期間', '募集期間', '公募期間', '申込期間', '実施期間', '期間'],
    opensOn: [
      '受付開始',
      '受付開始日',
      '開始日',
      '申請開始',
      '申請開始日',
      '募集開始',
      '公募開始',
      '申請期間開始',
      'acceptance_start_datetime',
      'start_date',
    ],
    closesOn: [
      '受付終了',
      '受付終了日',
      '終了日',
      '締切',
      '締切日',
      '締め切り',
      '申請締切',
      '申請期限',
      '申込締切',
      '申込期限',
      '期限',
      '募集終了',
      '申請期間終了',
      'acceptance_end_datetime',
      'end_date',
      'deadline',
    ],
    url: [
      'url',
      'リンク',
      '詳細url',
      '詳細説明url',
      '詳細情報url',
      'ホームページ',
      'webサイト',
      'ウェブサイト',
      'link',
      'href',
    ],
    contact: [
      '問合せ先',
      '問い合わせ先',
      '問合わせ先',
      'お問い合わせ',
      '窓口',
      '問い合わせ窓口',
      '連絡先',
      '担当',
      '担当課',
      '申込受付窓口',
      '窓口・問い合わせ先',
      '問い合わせ',
      '問合せ',
      '申込先',
      'inquiry',
      'contact',
    ],
    status: ['受付状況', '募集状況', '状況', 'ステータス', '受付状態', '状態', 'status'],
    updatedOn: [
      '更新日',
      '更新日時',
      '最終更新日',
      '情報更新日',
      '掲載日',
      '公開日',
      '発表日付',
      '日付',
      'date',
      'updated',
      'updated_at',
    ],
    providerName: [
      '実施機関',
      '実施主体',
      '実施機関名',
      '提供機関',
      '提供者',
      '企業名等',
      '企業名',
      '団体名',
      '機関名',
      '事業主体',
      '発行元',
      'publisher',
      'provider',
      'institution_name',
    ],
  },
  organization: {
    id: ['id', '機関id', '団体id', 'コード', '機関コード'],
    name: ['名称', '機関名', '団体名', '法人名', '組織名', '名前', 'name', '市区町村名', '施設名'],
    nameKana: ['名称_カナ', '名称カナ', 'カナ', 'フリガナ', 'ふりがな', 'よみがな', 'citykana'],
    kind: ['機関種別', '種別', '団体種別', '区分', '分類', 'kind', 'type'],
    legalForm: ['法人格', '法人種別'],
    corporateNumber: ['法人番号', 'corporate_number', 'houjinbangou'],
    postalCode: ['郵便番号', '〒', 'postal_code', 'zip'],
    address: ['住所', '所在地', 'address'],
    municipalityCode: ['全国地方公共団体コード', '団体コード', '市区町村コード', 'lgcode'],
    lat: ['緯度', 'lat', 'latitude'],
    lng: ['経度', 'lng', 'lon', 'longitude'],
    phone: ['電話番号', '電話', 'tel', 'phone'],
    url: ['url', 'ホームページ', 'webサイト', 'ウェブサイト', 'link'],
    supportFields: ['支援分野', '分野'],
    networks: ['所属ネットワーク', 'ネットワーク', '所属団体'],
  },
  consultation: {
    localId: ['相談番号', '相談id', 'id', '番号', '受付番号'],
    receivedAt: ['受付日', '受付日時', '相談日', '相談日時', '日時', '日付', 'date'],
    channel: ['相談方法', '方法', '相談手段', '受付方法', 'channel'],
    topics: ['相談分野', '分野', '相談内容区分', 'topics'],
    corporateNumber: ['法人番号'],
    companyName: ['事業者名', '企業名', '会社名', '相談者', '事業所名'],
    industry: ['業種', 'industry'],
    employees: ['従業員数', '従業員', '社員数'],
    municipalityCode: ['所在地コード', '市区町村コード', '全国地方公共団体コード', '所在地'],
    summary: ['相談概要', '概要', '相談内容', '内容'],
    consultant: ['担当者', '担当', '相談員'],
    outcome: ['対応結果', '結果', '対応', 'outcome'],
    referredToId: ['紹介先機関id', '紹介先'],
    phone: ['電話番号', '電話', 'tel'],
    address: ['所在地住所', '住所'],
  },
  committee: {
    localId: ['議事番号', '案件番号', 'id', '番号'],
    meetingOn: ['開催日', '委員会開催日', '委員会日', '審議日'],
    corporateNumber: ['法人番号'],
    firmId: ['企業id', 'firmid'],
    companyName: ['企業名', '事業者名', '会社名'],
    municipalityCode: ['所在地コード', '市区町村コード', '全国地方公共団体コード'],
    industry: ['業種'],
    nominatedBy: ['推薦機関', '推薦元', '推薦機関id'],
    rationale: ['推薦理由', '推薦の理由'],
    outcome: ['審議結果', '結果', '判定'],
    reason: ['理由', '判定理由', '決定理由'],
    decidedBy: ['決定者', '委員長'],
    leadAgency: ['主担当機関', '主担当', '担当機関'],
    participatingAgencies: ['参加機関', '支援機関', '連携機関'],
    goals: ['支援目標', '目標'],
  },
};

/** A header as it is matched: NFKC, lower case, without spaces, without bracketed notes and prefixes. */
export function headerKey(name: string): { full: string; core: string } {
  const full = name.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  // 「［事業者向けサービス］サービス分類」「サービスの名称(最大40文字)」: the bracketed parts qualify, the rest names.
  const core =
    full
      .replace(/[[［【][^\]］】]*[\]］】]/g, '')
      .replace(/[(（][^)）]*[)）]/g, '')
      .replace(/《[^》]*》/g, '')
      .replace(/[「」『』]/g, '') || full;
  return { full, core };
}

/** How well a header names a field: 0 for not at all; longer, exact words score higher. */
export function headerScore(name: string, words: readonly string[]): number {
  const s = wordScore(name, words);
  if (s === 0) return 0;
  // Sources often split a topic for firms and for individuals: Madoguchi serves firms.
  const { full } = headerKey(name);
  return s + (/事業者|企業|法人/.test(full) ? 5 : 0) - (/個人/.test(full) ? 5 : 0);
}

function wordScore(name: string, words: readonly string[]): number {
  const { full, core } = headerKey(name);
  let best = 0;
  for (const raw of words) {
    const w = raw.normalize('NFKC').toLowerCase();
    let s = 0;
    if (full === w || core === w) s = 100 + w.length;
    else if (core.endsWith(w) && w.length >= 2) s = 60 + w.length;
    else if (core.includes(w) && w.length >= 2) s = 40 + w.length;
    // Short ASCII words (id, no, url) only count whole: "video" is no id, "curl" no url.
    if (s < 100 && /^[a-z_]+$/.test(w) && w.length <= 4) s = 0;
    best = Math.max(best, s);
  }
  return best;
}
