/**
 * Japan's prefectures and municipalities by 全国地方公共団体コード: lookup by code or by the names
 * agencies write, the containment used by area filters (政令市の区 ⊂ 市 ⊂ 都道府県 ⊂ 全国), free-text
 * service areas (「東京都 / 大阪府」, 「近畿地方」, 「兵庫県内」) and distances between municipalities.
 * The table is municipalities.json, derived by derive.ts from code4fukui/localgovjp (CC0).
 */
import table from './municipalities.json';
import { foldKana, lgCodeCheckDigit, normalizeText, splitMulti } from '../normalize';
import { inBox, type Box } from './japan';

export { isValidLgCode } from '../normalize';
export { inJapan } from './japan';

/** The pseudo-code for the whole country, the root of every containment chain. */
export const NATIONWIDE = '000000';

/**
 * `ward` is a ward of a designated city (政令市の区); Tokyo's special wards (特別区) are `city`,
 * being municipalities in their own right; `town` covers both 町 and 村.
 */
export type MunicipalityKind = 'prefecture' | 'city' | 'ward' | 'town';

export interface Municipality {
  /** 6-digit 全国地方公共団体コード, check digit included. */
  code: string;
  /** Official name without the prefecture: 神戸市中央区, 豊島区, 兵庫県 for the prefecture itself. */
  name: string;
  /** Hiragana reading without spaces; empty when the source had none. */
  kana: string;
  prefecture: string;
  /** The prefecture's own 6-digit code (280003), not the 2-digit JIS X 0401 number. */
  prefectureCode: string;
  lat: number;
  lng: number;
  kind: MunicipalityKind;
}

type Row = [code: string, prefecture: string, name: string, kana: string, lat: number, lng: number];

const byCode = new Map<string, Municipality>();
const parents = new Map<string, string>();
const ordered: Municipality[] = [];
const prefectureByNumber = new Map<string, Municipality>();

/** Key for name matching: width and spacing folded; ヶ and ケ are used interchangeably in place names. */
function nameKey(s: string): string {
  return normalizeText(s).replace(/\s+/g, '').replace(/ヶ/g, 'ケ');
}

const byName = new Map<string, Municipality[]>();
const byWardName = new Map<string, Municipality[]>();
const byKana = new Map<string, Municipality[]>();
const byPrefectureShortName = new Map<string, Municipality>();

function addTo<K>(index: Map<K, Municipality[]>, key: K, m: Municipality): void {
  const list = index.get(key);
  if (list) list.push(m);
  else index.set(key, [m]);
}

function kindOf(name: string, isPrefecture: boolean, isWard: boolean): MunicipalityKind {
  if (isPrefecture) return 'prefecture';
  if (isWard) return 'ward';
  return /[町村]$/.test(name) ? 'town' : 'city';
}

(function buildIndexes(): void {
  const rows = (table as unknown as { rows: Row[] }).rows;
  const prefectureCodeOf = new Map<string, string>();
  for (const [code, prefecture] of rows) {
    if (code.slice(2, 5) === '000') prefectureCodeOf.set(prefecture, code);
  }
  // A ward's parent is the designated city whose name starts its own (神戸市 → 神戸市中央区). Tokyo's
  // special wards never start with a city's name, so they stay municipalities in their own right.
  const citiesByPrefecture = new Map<string, { code: string; name: string }[]>();
  for (const [code, prefecture, name] of rows) {
    if (!name.endsWith('市')) continue;
    const list = citiesByPrefecture.get(prefecture) ?? [];
    list.push({ code, name });
    citiesByPrefecture.set(prefecture, list);
  }

  for (const [code, prefecture, name, kana, lat, lng] of rows) {
    const isPrefecture = code.slice(2, 5) === '000';
    const city = name.endsWith('区')
      ? (citiesByPrefecture.get(prefecture) ?? []).find((c) => name.startsWith(c.name) && name.length > c.name.length)
      : undefined;
    const prefectureCode = prefectureCodeOf.get(prefecture);
    if (!prefectureCode) throw new Error(`municipalities.json: no prefecture row for ${prefecture}`);
    const m: Municipality = Object.freeze({
      code,
      name,
      kana,
      prefecture,
      prefectureCode,
      lat,
      lng,
      kind: kindOf(name, isPrefecture, city !== undefined),
    });
    byCode.set(code, m);
    ordered.push(m);
    parents.set(code, isPrefecture ? NATIONWIDE : (city?.code ?? prefectureCode));

    addTo(byName, nameKey(name), m);
    if (kana) addTo(byKana, foldKana(kana), m);
    if (city) addTo(byWardName, nameKey(name.slice(city.name.length)), m);
    if (isPrefecture) {
      prefectureByNumber.set(code.slice(0, 2), m);
      // 東京, 大阪, 兵庫 …; 北海道 keeps its 道, which is part of the name itself.
      if (name !== '北海道') byPrefectureShortName.set(nameKey(name.replace(/[都府県]$/, '')), m);
    }
  }
})();

const prefectureNamesLongestFirst = [...prefectureByNumber.values()]
  .map((p) => ({ key: nameKey(p.name), code: p.code }))
  .sort((a, b) => b.key.length - a.key.length);

/** Accepts 6-digit codes and the 5-digit form (without check digit) many datasets use. */
function normalizeCode(code: string): string | undefined {
  const c = normalizeText(code);
  if (/^\d{6}$/.test(c)) return c;
  if (/^\d{5}$/.test(c)) return c === '00000' ? NATIONWIDE : `${c}${lgCodeCheckDigit(c)}`;
  return undefined;
}

export function getMunicipality(code: string): Municipality | undefined {
  const c = normalizeCode(code);
  return c === undefined ? undefined : byCode.get(c);
}

/** Prefecture code from a hint: a name (兵庫県, 兵庫), a JIS number (28) or any code inside it. */
function prefectureFromHint(hint: string): string | undefined {
  const h = nameKey(hint);
  if (/^\d{1,2}$/.test(h)) return prefectureByNumber.get(h.padStart(2, '0'))?.code;
  const byNumber = getMunicipality(h);
  if (byNumber) return byNumber.prefectureCode;
  const named = byName.get(h)?.find((m) => m.kind === 'prefecture') ?? byPrefectureShortName.get(h);
  return named?.code;
}

/**
 * Every municipality the name could mean. Accepts 神戸市, 神戸市中央区, 兵庫県神戸市中央区, 兵庫県,
 * 多可郡多可町, readings in kana, and a ward's short name (中央区) when the prefecture narrows it.
 */
export function findMunicipalities(name: string, prefectureHint?: string): Municipality[] {
  let key = nameKey(name);
  if (!key) return [];
  const prefectures: string[] = [];
  if (prefectureHint !== undefined && normalizeText(prefectureHint) !== '') {
    const hinted = prefectureFromHint(prefectureHint);
    // An unknown hint is ignored rather than trusted: it cannot narrow anything.
    if (hinted) prefectures.push(hinted);
  }

  const exact = byName.get(key);
  if (!exact) {
    const prefix = prefectureNamesLongestFirst.find((p) => key.startsWith(p.key) && key.length > p.key.length);
    if (prefix) {
      prefectures.push(prefix.code);
      key = key.slice(prefix.key.length);
    }
  }
  const inPrefecture = (list: Municipality[] | undefined) =>
    (list ?? []).filter((m) => prefectures.every((p) => m.prefectureCode === p));

  const attempts: (() => Municipality[] | undefined)[] = [
    // A ward's short name competes with official names on equal terms: 「北区」 alone may be
    // Tokyo's 北区 or any of ten cities' 北区, and only a prefecture can tell which.
    () => [...(byName.get(key) ?? []), ...(byWardName.get(key) ?? [])],
    // Addresses often carry the district (郡), which is not part of a town's name.
    () => (key.includes('郡') ? byName.get(key.slice(key.indexOf('郡') + 1)) : undefined),
    () => {
      const p = byPrefectureShortName.get(key);
      return p ? [p] : undefined;
    },
    () => byKana.get(foldKana(key)),
  ];
  for (const attempt of attempts) {
    const found = inPrefecture(attempt());
    if (found.length > 0) return found;
  }
  return [];
}

/** The one municipality a name means, or undefined when it is unknown or ambiguous (府中市 without a hint). */
export function findMunicipalityByName(name: string, prefectureHint?: string): Municipality | undefined {
  const found = findMunicipalities(name, prefectureHint);
  return found.length === 1 ? found[0] : undefined;
}

/** Ward → designated city → prefecture → NATIONWIDE → null; null for unknown codes too. */
export function parentOf(code: string): string | null {
  const c = normalizeCode(code);
  if (c === undefined) return null;
  return parents.get(c) ?? null;
}

/** Whether `code` lies inside `areaCode`; every code is within itself and within NATIONWIDE. */
export function isWithin(code: string, areaCode: string): boolean {
  const c = normalizeCode(code);
  const area = normalizeCode(areaCode);
  if (c === undefined || area === undefined) return false;
  for (let current: string | null = c; current !== null; current = parents.get(current) ?? null) {
    if (current === area) return true;
  }
  return false;
}

const prefectureCodes = (...numbers: number[]): string[] =>
  numbers.map((n) => (prefectureByNumber.get(String(n).padStart(2, '0')) as Municipality).code);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// The eight regions of school geography, with 三重 in 中部 so that 近畿 matches the usual
// 2府4県 and every prefecture still belongs to exactly one region; plus a few common groupings.
const HOKKAIDO = prefectureCodes(1);
const TOHOKU = prefectureCodes(...range(2, 7));
const KANTO = prefectureCodes(...range(8, 14));
const CHUBU = prefectureCodes(...range(15, 24));
const KINKI = prefectureCodes(...range(25, 30));
const CHUGOKU = prefectureCodes(...range(31, 35));
const SHIKOKU = prefectureCodes(...range(36, 39));
const KYUSHU = prefectureCodes(...range(40, 47));
// 中国 alone is left out: in a service area it is more likely to mean China than the region.
const REGIONS = new Map<string, string[]>([
  ['北海道地方', HOKKAIDO],
  ['東北地方', TOHOKU],
  ['東北', TOHOKU],
  ['関東地方', KANTO],
  ['関東', KANTO],
  ['中部地方', CHUBU],
  ['中部', CHUBU],
  ['近畿地方', KINKI],
  ['近畿', KINKI],
  ['関西地方', KINKI],
  ['関西', KINKI],
  ['中国地方', CHUGOKU],
  ['四国地方', SHIKOKU],
  ['四国', SHIKOKU],
  ['九州地方', KYUSHU],
  ['九州', KYUSHU],
  ['九州・沖縄地方', KYUSHU],
  ['九州・沖縄', KYUSHU],
  ['九州沖縄', KYUSHU],
  ['中国・四国地方', [...CHUGOKU, ...SHIKOKU]],
  ['中四国', [...CHUGOKU, ...SHIKOKU]],
  ['首都圏', prefectureCodes(11, 12, 13, 14)],
  ['東海地方', prefectureCodes(21, 22, 23, 24)],
  ['東海', prefectureCodes(21, 22, 23, 24)],
  ['北陸地方', prefectureCodes(16, 17, 18)],
  ['北陸', prefectureCodes(16, 17, 18)],
]);
const NATIONWIDE_WORDS = new Set([
  '全国',
  '日本全国',
  '全国一円',
  '全国各地',
  '国内',
  '日本国内',
  '日本',
  '全都道府県',
]);
// 「兵庫県内」「神戸市全域」 name the same area as the bare name.
const AREA_SUFFIX = /(?:内全域|全域|全体|一円|域内|内)$/;

// 「九州地方(沖縄含む)」「近畿地方(三重県を含む)」: the note adds places, it never narrows.
const INCLUDES_NOTE = /\(([^()]+?)(?:を)?含(?:む|め|める)\)$/;

function resolveAreaToken(token: string): string[] {
  // A feed may give the place by its 全国地方公共団体コード instead of its name.
  if (/^\d{6}$/.test(token)) return byCode.has(token) ? [token] : [];
  const key = nameKey(token);
  const note = INCLUDES_NOTE.exec(key);
  if (note) {
    const base = resolveAreaToken(key.slice(0, note.index));
    const extra = resolveAreaToken(note[1]);
    return base.length > 0 && extra.length > 0 ? [...new Set([...base, ...extra])] : [];
  }
  for (const candidate of [key, key.replace(AREA_SUFFIX, '')]) {
    if (!candidate) continue;
    if (NATIONWIDE_WORDS.has(candidate)) return [NATIONWIDE];
    const region = REGIONS.get(candidate);
    if (region) return region;
    const found = findMunicipalities(candidate);
    if (found.length === 1) return [found[0].code];
  }
  return [];
}

/**
 * Codes of a free-text service area. Items are split like any multi-valued cell; an item naming
 * several places with spaces (「東京都 大阪府」) is tried word by word. Items that name nothing
 * known, or something ambiguous, are returned in `unresolved` for the adapter to report.
 */
export function resolveArea(text: string, separators?: readonly string[]): { codes: string[]; unresolved: string[] } {
  const codes: string[] = [];
  const unresolved: string[] = [];
  const add = (list: string[]) => {
    for (const c of list) if (!codes.includes(c)) codes.push(c);
  };
  for (const item of splitMulti(text, separators)) {
    const whole = resolveAreaToken(item);
    if (whole.length > 0) {
      add(whole);
      continue;
    }
    const words = item.split(' ').map(resolveAreaToken);
    if (words.length > 1 && words.every((w) => w.length > 0)) for (const w of words) add(w);
    else unresolved.push(item);
  }
  return { codes, unresolved };
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km between two points given in degrees. */
export function kmBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** How far a body may lie from its municipality's point (its office) and still be in it. */
const MAX_KM_FROM_POINT = 80;
/** Each prefecture's box: its municipalities' points, widened by half a degree. */
const boxes = new Map<string, Box>();
function prefectureBox(prefectureCode: string): Box {
  let box = boxes.get(prefectureCode);
  if (!box) {
    const points = ordered.filter((m) => m.prefectureCode === prefectureCode);
    box = {
      south: Math.min(...points.map((m) => m.lat)) - 0.5,
      north: Math.max(...points.map((m) => m.lat)) + 0.5,
      west: Math.min(...points.map((m) => m.lng)) - 0.5,
      east: Math.max(...points.map((m) => m.lng)) + 0.5,
    };
    boxes.set(prefectureCode, box);
  }
  return box;
}
/**
 * Whether a point may be a body's in the municipality (or prefecture) of `code`: within 80 km of the
 * table's point, or within its prefecture's reach (the box of the prefecture's municipalities'
 * points, widened by half a degree; a village whose office lies off its islands, such as 十島村,
 * is still inside 鹿児島県's). Undefined for a code the table does not know.
 */
export function pointFits(code: string, point: { lat: number; lng: number }): boolean | undefined {
  const m = getMunicipality(code);
  if (!m) return undefined;
  if (m.kind !== 'prefecture' && kmBetween(point, m) <= MAX_KM_FROM_POINT) return true;
  return inBox(point, prefectureBox(m.prefectureCode));
}

/** Great-circle distance between the table's points for two codes; null when either is unknown. */
export function distanceKm(codeA: string, codeB: string): number | null {
  const a = getMunicipality(codeA);
  const b = getMunicipality(codeB);
  return a && b ? kmBetween(a, b) : null;
}

/**
 * Without an argument, the whole table in code order, each prefecture before its municipalities.
 * With a prefecture (code, JIS number or name), that prefecture's municipalities without the
 * prefecture itself; an unknown prefecture gives an empty list.
 */
export function listMunicipalities(prefectureCode?: string): Municipality[] {
  if (prefectureCode === undefined) return [...ordered];
  const p = prefectureFromHint(prefectureCode);
  if (!p) return [];
  return ordered.filter((m) => m.prefectureCode === p && m.kind !== 'prefecture');
}

// ---------------------------------------------------------------------------------------------
// Places written in free text, and the lookup pickers use
// ---------------------------------------------------------------------------------------------

/** A place named in a text: the municipalities it may mean and where it was written. */
export interface PlaceMention {
  /** The characters read as the place (with a trailing 内 or 全域), as written after NFKC. */
  text: string;
  start: number;
  end: number;
  /** Every municipality the name may mean, narrowed by the other places of the same text. */
  candidates: Municipality[];
}

// 「豊島区内」「神戸市全域」: the suffix is part of the place, not a word of its own.
const PLACE_SUFFIX = /^(?:内全域|全域|内)/;
const isKanjiChar = (c: string | undefined) =>
  c !== undefined && /[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/.test(c);

/**
 * Names read in text: every official name (兵庫県, 神戸市, 神戸市中央区, 豊島区, 多可町), a
 * designated city's ward by its short name (中央区, ambiguous until another place narrows it), and
 * bare names without 都道府県市区町村 (兵庫, 東京, 神戸), which must stand apart from other kanji
 * so that 兵庫工業会 or 富士通 are not read as places.
 */
const textNames = new Map<string, { list: Municipality[]; bare: boolean }>();
(function buildTextNames(): void {
  const add = (name: string, m: Municipality, bare: boolean) => {
    const key = nameKey(name);
    if (key.length < 2) return;
    const entry = textNames.get(key);
    if (!entry) textNames.set(key, { list: [m], bare });
    else if (!entry.list.includes(m)) entry.list.push(m);
  };
  for (const m of ordered) add(m.name, m, false);
  for (const [key, list] of byWardName) for (const m of list) add(key, m, false);
  for (const [key, m] of byPrefectureShortName) add(key, m, true);
  for (const m of ordered) {
    // A city's bare name (神戸, 明石) when it has two characters at least and no official name
    // is spelt that way; towns and wards keep their suffix (森, 港 would be read everywhere).
    if (m.kind !== 'city' || !m.name.endsWith('市')) continue;
    const bare = m.name.slice(0, -1);
    if (bare.length >= 2 && !byName.has(nameKey(bare)) && !byPrefectureShortName.has(nameKey(bare))) add(bare, m, true);
  }
})();
const LONGEST_TEXT_NAME = Math.max(...[...textNames.keys()].map((k) => k.length));

/**
 * Places named in a text, left to right, longest name first. A mention that names several
 * municipalities (中央区, 府中市) is narrowed to those inside another place of the text
 * (東京都中央区, 府中市 with 東京); a place containing another mention (兵庫県 with 神戸市) is
 * dropped as the wider of the two.
 */
export function placesInText(text: string): PlaceMention[] {
  const s = normalizeText(text);
  // nameKey once for the whole text (it maps characters one to one once normalized).
  const keyed = s.replace(/ヶ/g, 'ケ');
  const found: PlaceMention[] = [];
  for (let i = 0; i < s.length; ) {
    let hit: PlaceMention | null = null;
    for (let len = Math.min(LONGEST_TEXT_NAME, s.length - i); len >= 2 && !hit; len--) {
      const entry = textNames.get(keyed.slice(i, i + len));
      if (!entry) continue;
      if (entry.bare && (isKanjiChar(s[i - 1]) || isKanjiChar(s[i + len]))) continue;
      const suffix = PLACE_SUFFIX.exec(s.slice(i + len));
      const end = i + len + (suffix ? suffix[0].length : 0);
      hit = { text: s.slice(i, end), start: i, end, candidates: [...entry.list] };
    }
    if (hit) {
      found.push(hit);
      i = hit.end;
    } else {
      i++;
    }
  }
  for (const mention of found) {
    if (mention.candidates.length < 2) continue;
    const others = found.filter((o) => o !== mention && o.candidates.length === 1).map((o) => o.candidates[0].code);
    const narrowed = mention.candidates.filter((m) => others.some((o) => isWithin(m.code, o)));
    if (narrowed.length > 0) mention.candidates = narrowed;
  }
  const named = found.filter((m) => m.candidates.length === 1).map((m) => m.candidates[0].code);
  return found.filter(
    (m) =>
      !(
        m.candidates.length === 1 && named.some((c) => c !== m.candidates[0].code && isWithin(c, m.candidates[0].code))
      ),
  );
}

/**
 * The municipality an address begins with — 高松市上之町…, 兵庫県神戸市中央区…, 〒650-0001 神戸市… —
 * as its code; null when the address does not begin with one place (府中市 with no prefecture, a
 * street with no town, a place name that only appears further in).
 */
export function municipalityOfAddress(address: string): string | null {
  // Only where the address begins matters: a long cell (access notes pasted in) is not scanned whole.
  const s = normalizeText(address.slice(0, 80))
    .replace(/^〒?\s*\d{3}-?\d{4}\s*/, '')
    .slice(0, 40);
  const first = placesInText(s).find((m) => m.candidates.length === 1);
  if (!first) return null;
  const code = first.candidates[0].code;
  // A district (多可郡) is no municipality of its own: it only names where a town is.
  const before = s
    .slice(0, first.start)
    .trim()
    .replace(/[^\s都道府県市区町村]{1,6}郡$/, '');
  if (before === '') return code;
  // Only the places that contain it may come first (兵庫県 and 神戸市 before 中央区).
  const outer = findMunicipalityByName(before);
  return outer && isWithin(code, outer.code) ? code : null;
}

/**
 * Municipalities for a picker: by code (6 digits, or 5 without the check digit), else by name or
 * reading, exact matches first, then names and readings starting with the text, then names
 * containing it, each group in code order; `prefectureCode` (code, number or name) narrows the
 * search, and alone lists that prefecture. At most `first` results.
 */
export function searchMunicipalities(
  name: string | null | undefined,
  prefectureCode: string | null | undefined,
  first: number,
): Municipality[] {
  const limit = Math.max(0, first);
  if (limit === 0) return [];
  let prefecture: string | undefined;
  if (prefectureCode != null && normalizeText(prefectureCode) !== '') {
    prefecture = prefectureFromHint(prefectureCode);
    if (!prefecture) return [];
  }
  const inPrefecture = (m: Municipality) => !prefecture || m.prefectureCode === prefecture;
  const key = nameKey(name ?? '');
  if (!key)
    return (prefecture ? [byCode.get(prefecture)!, ...listMunicipalities(prefecture)] : ordered).slice(0, limit);
  if (/^\d{5,6}$/.test(key)) {
    const m = getMunicipality(key);
    return m && inPrefecture(m) ? [m] : [];
  }
  const kana = foldKana(key);
  const groups: Municipality[][] = [[], [], []];
  for (const m of ordered) {
    if (!inPrefecture(m)) continue;
    const n = nameKey(m.name);
    const k = foldKana(m.kana);
    if (n === key || k === kana || n === nameKey(`${m.prefecture}${m.name}`)) groups[0].push(m);
    else if (n.startsWith(key) || (k && k.startsWith(kana))) groups[1].push(m);
    else if (n.includes(key)) groups[2].push(m);
  }
  return groups.flat().slice(0, limit);
}
