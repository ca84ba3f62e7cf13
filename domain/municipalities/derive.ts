/**
 * Derives the project's municipality table (municipalities.json) from code4fukui/localgovjp (CC0),
 * which the shared reference data holds as ../shared/data/localgovjp-municipalities.csv.
 * The product cannot read ../shared at run time, hence a committed, compact copy.
 * Run: npx tsx domain/municipalities/derive.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { isValidLgCode, lgCodeCheckDigit } from '../normalize';
import { inJapan } from './japan';

const SOURCE_CSV = path.resolve(__dirname, '../../../shared/data/localgovjp-municipalities.csv');
const OUTPUT_JSON = path.resolve(__dirname, 'municipalities.json');

// The source has no prefecture rows. Prefectures get the coordinates of the city holding their
// government (東京都: 新宿区, where the 都庁 is) so distances from a prefecture mean something.
const PREFECTURES: Record<string, { kana: string; seat: string }> = {
  北海道: { kana: 'ほっかいどう', seat: '札幌市' },
  青森県: { kana: 'あおもりけん', seat: '青森市' },
  岩手県: { kana: 'いわてけん', seat: '盛岡市' },
  宮城県: { kana: 'みやぎけん', seat: '仙台市' },
  秋田県: { kana: 'あきたけん', seat: '秋田市' },
  山形県: { kana: 'やまがたけん', seat: '山形市' },
  福島県: { kana: 'ふくしまけん', seat: '福島市' },
  茨城県: { kana: 'いばらきけん', seat: '水戸市' },
  栃木県: { kana: 'とちぎけん', seat: '宇都宮市' },
  群馬県: { kana: 'ぐんまけん', seat: '前橋市' },
  埼玉県: { kana: 'さいたまけん', seat: 'さいたま市' },
  千葉県: { kana: 'ちばけん', seat: '千葉市' },
  東京都: { kana: 'とうきょうと', seat: '新宿区' },
  神奈川県: { kana: 'かながわけん', seat: '横浜市' },
  新潟県: { kana: 'にいがたけん', seat: '新潟市' },
  富山県: { kana: 'とやまけん', seat: '富山市' },
  石川県: { kana: 'いしかわけん', seat: '金沢市' },
  福井県: { kana: 'ふくいけん', seat: '福井市' },
  山梨県: { kana: 'やまなしけん', seat: '甲府市' },
  長野県: { kana: 'ながのけん', seat: '長野市' },
  岐阜県: { kana: 'ぎふけん', seat: '岐阜市' },
  静岡県: { kana: 'しずおかけん', seat: '静岡市' },
  愛知県: { kana: 'あいちけん', seat: '名古屋市' },
  三重県: { kana: 'みえけん', seat: '津市' },
  滋賀県: { kana: 'しがけん', seat: '大津市' },
  京都府: { kana: 'きょうとふ', seat: '京都市' },
  大阪府: { kana: 'おおさかふ', seat: '大阪市' },
  兵庫県: { kana: 'ひょうごけん', seat: '神戸市' },
  奈良県: { kana: 'ならけん', seat: '奈良市' },
  和歌山県: { kana: 'わかやまけん', seat: '和歌山市' },
  鳥取県: { kana: 'とっとりけん', seat: '鳥取市' },
  島根県: { kana: 'しまねけん', seat: '松江市' },
  岡山県: { kana: 'おかやまけん', seat: '岡山市' },
  広島県: { kana: 'ひろしまけん', seat: '広島市' },
  山口県: { kana: 'やまぐちけん', seat: '山口市' },
  徳島県: { kana: 'とくしまけん', seat: '徳島市' },
  香川県: { kana: 'かがわけん', seat: '高松市' },
  愛媛県: { kana: 'えひめけん', seat: '松山市' },
  高知県: { kana: 'こうちけん', seat: '高知市' },
  福岡県: { kana: 'ふくおかけん', seat: '福岡市' },
  佐賀県: { kana: 'さがけん', seat: '佐賀市' },
  長崎県: { kana: 'ながさきけん', seat: '長崎市' },
  熊本県: { kana: 'くまもとけん', seat: '熊本市' },
  大分県: { kana: 'おおいたけん', seat: '大分市' },
  宮崎県: { kana: 'みやざきけん', seat: '宮崎市' },
  鹿児島県: { kana: 'かごしまけん', seat: '鹿児島市' },
  沖縄県: { kana: 'おきなわけん', seat: '那覇市' },
};

type MunicipalityRow = [code: string, prefecture: string, name: string, kana: string, lat: number, lng: number];

interface SourceRecord {
  pid: string;
  pref: string;
  city: string;
  citykana: string;
  lat: string;
  lng: string;
  lgcode: string;
}

function readSourceRows(csvPath = SOURCE_CSV): MunicipalityRow[] {
  const records: SourceRecord[] = parse(readFileSync(csvPath), { bom: true, columns: true, skip_empty_lines: true });
  return records.map((r) => [
    r.lgcode.trim(),
    r.pref.trim(),
    // Wards are written "札幌市 中央区"; the official name has no space.
    r.city.replace(/\s+/g, ''),
    r.citykana.replace(/\s+/g, ''),
    Number(r.lat),
    Number(r.lng),
  ]);
}

/**
 * Changes after the source's date. 浜松市 merged its seven wards into three on 2024-01-01: 中央区
 * (221384, its office at the city hall, where 中区's was) and 浜名区 (221392, at 浜北区's former
 * office) are new; 天竜区 keeps 221376. The abolished wards stay, so older records keep their place.
 */
const LATER: Array<{ code: string; name: string; kana: string; placedAs: string }> = [
  { code: '221384', name: '浜松市中央区', kana: 'はままつしちゅうおうく', placedAs: '221317' },
  { code: '221392', name: '浜松市浜名区', kana: 'はままつしはまなく', placedAs: '221368' },
];

function withLaterChanges(rows: MunicipalityRow[]): MunicipalityRow[] {
  const out = [...rows];
  for (const change of LATER) {
    const like = out.find((r) => r[0] === change.placedAs);
    if (!like) throw new Error(`${change.code}: ${change.placedAs} not in the source`);
    if (out.some((r) => r[0] === change.code)) continue;
    out.push([change.code, like[1], change.name, change.kana, like[4], like[5]]);
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

function derive(): MunicipalityRow[] {
  const cities = withLaterChanges(readSourceRows());
  const problems: string[] = [];
  const byPrefecture = new Map<string, MunicipalityRow[]>();
  for (const row of cities) {
    const list = byPrefecture.get(row[1]) ?? [];
    list.push(row);
    byPrefecture.set(row[1], list);
  }

  const rows: MunicipalityRow[] = [];
  for (const [prefecture, list] of byPrefecture) {
    const prefix = list[0][0].slice(0, 2);
    if (list.some((r) => r[0].slice(0, 2) !== prefix))
      problems.push(`${prefecture}: rows with different prefecture digits`);
    const info = PREFECTURES[prefecture];
    if (!info) problems.push(`${prefecture}: not a known prefecture name`);
    const seat = list.find((r) => r[2] === info?.seat) ?? list[0];
    if (seat[2] !== info?.seat) console.warn(`${prefecture}: seat ${info?.seat} not found, using ${seat[2]}`);
    const code = `${prefix}000${lgCodeCheckDigit(`${prefix}000`)}`;
    rows.push([code, prefecture, prefecture, info?.kana ?? '', seat[4], seat[5]], ...list);
  }

  const seen = new Set<string>();
  for (const [code, , name, , lat, lng] of rows) {
    if (!isValidLgCode(code)) problems.push(`${code} ${name}: invalid 全国地方公共団体コード`);
    if (seen.has(code)) problems.push(`${code} ${name}: duplicate code`);
    seen.add(code);
    if (!Number.isFinite(lat) || !Number.isFinite(lng) || !inJapan({ lat, lng })) {
      problems.push(`${code} ${name}: coordinates ${lat},${lng} outside Japan`);
    }
  }
  if (byPrefecture.size !== 47) problems.push(`${byPrefecture.size} prefectures found, 47 expected`);
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    process.exit(1);
  }
  return rows;
}

// One row per line keeps regenerated diffs readable.
function serialize(rows: MunicipalityRow[]): string {
  const head = {
    source:
      'code4fukui/localgovjp localgovjp-utf8.csv (https://github.com/code4fukui/localgovjp), via ../shared/data/localgovjp-municipalities.csv; ' +
      'prefecture rows added by derive.ts with the coordinates of the prefectural seat',
    license: 'CC0',
    columns: ['lgcode', 'prefecture', 'name', 'kana', 'lat', 'lng'],
  };
  const fields = Object.entries(head).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
  const lines = rows.map((r) => `    ${JSON.stringify(r)}`);
  return `{\n${fields.join('\n')}\n  "rows": [\n${lines.join(',\n')}\n  ]\n}\n`;
}

if (require.main === module) {
  const rows = derive();
  writeFileSync(OUTPUT_JSON, serialize(rows));
  const prefectures = rows.filter((r) => r[0].slice(2, 5) === '000').length;
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT_JSON)}: ${rows.length} rows (${prefectures} prefectures)`);
}
