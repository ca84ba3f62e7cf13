/**
 * Tests of the municipality table and its lookups with real places, plus a check that the
 * committed JSON still agrees with the reference CSV it was derived from (when that is present).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  NATIONWIDE,
  distanceKm,
  findMunicipalities,
  findMunicipalityByName,
  getMunicipality,
  isValidLgCode,
  isWithin,
  listMunicipalities,
  municipalityOfAddress,
  parentOf,
  placesInText,
  resolveArea,
  searchMunicipalities,
} from './index';

const KOBE = '281000';
const KOBE_CHUO = '281107';
const HYOGO = '280003';
const TOKYO = '130001';
const OSAKA = '270008';
const TOSHIMA = '131164';
const FUJI = '222101';

describe('getMunicipality', () => {
  test('a designated city ward carries its prefecture and kind', () => {
    expect(getMunicipality(KOBE_CHUO)).toEqual({
      code: KOBE_CHUO,
      name: '神戸市中央区',
      kana: 'こうべしちゅうおうく',
      prefecture: '兵庫県',
      prefectureCode: HYOGO,
      lat: expect.any(Number),
      lng: expect.any(Number),
      kind: 'ward',
    });
  });

  test.each([
    [HYOGO, '兵庫県', 'prefecture'],
    [TOKYO, '東京都', 'prefecture'],
    ['010006', '北海道', 'prefecture'],
    [KOBE, '神戸市', 'city'],
    [TOSHIMA, '豊島区', 'city'],
    [FUJI, '富士市', 'city'],
    ['011011', '札幌市中央区', 'ward'],
  ])('%s is %s (%s)', (code, name, kind) => {
    expect(getMunicipality(code)).toMatchObject({ name, kind });
  });

  test('towns and villages are both "town"', () => {
    expect(findMunicipalityByName('多可町', '兵庫県')?.kind).toBe('town');
    expect(findMunicipalityByName('檜原村', '東京都')?.kind).toBe('town');
  });

  test('the 5-digit form and full-width digits are accepted', () => {
    expect(getMunicipality('28110')?.code).toBe(KOBE_CHUO);
    expect(getMunicipality('２８１１０７')?.code).toBe(KOBE_CHUO);
  });

  test.each(['281108', '999999', NATIONWIDE, '', 'kobe'])('%p is not in the table', (code) => {
    expect(getMunicipality(code)).toBeUndefined();
  });

  test('a prefecture row sits at its seat', () => {
    const hyogo = getMunicipality(HYOGO);
    const kobe = getMunicipality(KOBE);
    expect([hyogo?.lat, hyogo?.lng]).toEqual([kobe?.lat, kobe?.lng]);
    expect(distanceKm(TOKYO, '131041')).toBe(0); // 新宿区, where the 都庁 is
  });
});

describe('findMunicipalityByName', () => {
  test.each<[string, string | undefined, string | undefined]>([
    ['神戸市', undefined, KOBE],
    ['神戸市中央区', undefined, KOBE_CHUO],
    ['兵庫県神戸市中央区', undefined, KOBE_CHUO],
    ['兵庫県 神戸市 中央区', undefined, KOBE_CHUO],
    ['神戸市　中央区', undefined, KOBE_CHUO],
    ['兵庫県', undefined, HYOGO],
    ['兵庫', undefined, HYOGO],
    ['東京都', undefined, TOKYO],
    ['豊島区', '東京都', TOSHIMA],
    ['豊島区', '13', TOSHIMA],
    ['豊島区', TOKYO, TOSHIMA],
    ['豊島区', undefined, TOSHIMA],
    ['東京都豊島区', undefined, TOSHIMA],
    ['富士市', undefined, FUJI],
    ['静岡県富士市', undefined, FUJI],
    ['こうべし', undefined, KOBE],
    ['コウベシ', undefined, KOBE],
    ['中央区', '兵庫県', KOBE_CHUO],
    ['北区', '東京都', '131172'],
    ['多可郡多可町', undefined, '283657'],
    ['鎌ヶ谷市', undefined, '122246'],
    ['大阪府大阪市北区', undefined, '271276'],
    // Ambiguous or unknown: no guess.
    ['府中市', undefined, undefined],
    ['中央区', undefined, undefined],
    ['北区', '大阪府', undefined],
    ['豊島区', '大阪府', undefined],
    ['兵庫県豊島区', undefined, undefined],
    ['存在しない市', undefined, undefined],
    ['', undefined, undefined],
  ])('%p (hint %p) → %p', (name, hint, code) => {
    expect(findMunicipalityByName(name, hint)?.code).toBe(code);
  });

  test('ambiguous names list every candidate and a prefecture picks one', () => {
    const fuchu = findMunicipalities('府中市').map((m) => m.prefecture);
    expect(fuchu.sort()).toEqual(['広島県', '東京都'].sort());
    expect(findMunicipalityByName('府中市', '東京都')?.code).toBe('132063');
    expect(findMunicipalityByName('府中市', '広島県')?.prefecture).toBe('広島県');
    expect(
      findMunicipalities('北区', '大阪府')
        .map((m) => m.name)
        .sort(),
    ).toEqual(['大阪市北区', '堺市北区'].sort());
  });
});

describe('containment', () => {
  test('parentOf walks ward → city → prefecture → nationwide', () => {
    expect(parentOf(KOBE_CHUO)).toBe(KOBE);
    expect(parentOf(KOBE)).toBe(HYOGO);
    expect(parentOf(HYOGO)).toBe(NATIONWIDE);
    expect(parentOf(NATIONWIDE)).toBeNull();
    expect(parentOf(TOSHIMA)).toBe(TOKYO);
    expect(parentOf('999999')).toBeNull();
  });

  test.each([
    [KOBE_CHUO, HYOGO, true],
    [KOBE_CHUO, KOBE, true],
    [KOBE_CHUO, NATIONWIDE, true],
    [KOBE_CHUO, KOBE_CHUO, true],
    [KOBE, HYOGO, true],
    [HYOGO, HYOGO, true],
    [HYOGO, NATIONWIDE, true],
    [NATIONWIDE, NATIONWIDE, true],
    [TOSHIMA, TOKYO, true],
    [FUJI, '220001', true],
    [KOBE, KOBE_CHUO, false],
    [HYOGO, KOBE, false],
    [NATIONWIDE, HYOGO, false],
    [KOBE_CHUO, OSAKA, false],
    ['281018', KOBE_CHUO, false], // 東灘区 is a sibling ward
    [TOSHIMA, HYOGO, false],
    ['999999', NATIONWIDE, false],
  ])('isWithin(%s, %s) → %p', (code, area, within) => {
    expect(isWithin(code, area)).toBe(within);
  });

  test('every ward hangs under a designated city of its prefecture', () => {
    const wards = listMunicipalities().filter((m) => m.kind === 'ward');
    // The source's 175, and 浜松市's 中央区 and 浜名区 of 2024 (derive.ts's later changes).
    expect(wards).toHaveLength(177);
    for (const ward of wards) {
      const city = getMunicipality(parentOf(ward.code) as string);
      expect(city?.kind).toBe('city');
      expect(city?.prefectureCode).toBe(ward.prefectureCode);
      expect(ward.name.startsWith(city?.name as string)).toBe(true);
    }
  });
});

describe('resolveArea', () => {
  const kinki = ['250007', '260002', OSAKA, HYOGO, '290009', '300004'];
  test.each<[string, string[], string[]]>([
    ['全国', [NATIONWIDE], []],
    ['日本全国', [NATIONWIDE], []],
    ['東京都 / 大阪府', [TOKYO, OSAKA], []],
    ['東京都／大阪府', [TOKYO, OSAKA], []],
    ['東京都、大阪府、東京都', [TOKYO, OSAKA], []],
    ['東京都 大阪府', [TOKYO, OSAKA], []],
    ['兵庫県内', [HYOGO], []],
    ['兵庫県全域', [HYOGO], []],
    ['神戸市内', [KOBE], []],
    ['兵庫県神戸市', [KOBE], []],
    ['近畿地方', kinki, []],
    ['関西', kinki, []],
    ['北海道地方', ['010006'], []],
    ['四国地方', ['360007', '370002', '380008', '390003'], []],
    ['東北地方', ['020001', '030007', '040002', '050008', '060003', '070009'], []],
    ['近畿地方;#東京都', [...kinki, TOKYO], []],
    ['兵庫県、火星', [HYOGO], ['火星']],
    ['府中市', [], ['府中市']],
    ['', [], []],
  ])('%p → %p', (text, codes, unresolved) => {
    expect(resolveArea(text)).toEqual({ codes, unresolved });
  });

  test('九州地方 includes 沖縄, and notes that add places are honoured', () => {
    const kyushu = resolveArea('九州地方').codes;
    expect(kyushu).toHaveLength(8);
    expect(kyushu).toContain('470007');
    expect(resolveArea('九州地方 (沖縄含む)').codes).toEqual(kyushu);
    expect(resolveArea('近畿地方(三重県を含む)').codes).toEqual([...kinki, '240001']);
  });

  test('the eight regions cover each prefecture exactly once', () => {
    const regions = ['北海道地方', '東北地方', '関東地方', '中部地方', '近畿地方', '中国地方', '四国地方', '九州地方'];
    const codes = regions.flatMap((r) => resolveArea(r).codes);
    const prefectures = listMunicipalities()
      .filter((m) => m.kind === 'prefecture')
      .map((m) => m.code);
    expect(codes.sort()).toEqual(prefectures.sort());
  });

  test('custom separators are passed through', () => {
    expect(resolveArea('東京都・大阪府', ['・'])).toEqual({ codes: [TOKYO, OSAKA], unresolved: [] });
  });
});

describe('distanceKm', () => {
  test('神戸市 → 尼崎市 is between 10 and 30 km', () => {
    const amagasaki = findMunicipalityByName('尼崎市')?.code as string;
    const d = distanceKm(KOBE, amagasaki) as number;
    expect(d).toBeGreaterThan(10);
    expect(d).toBeLessThan(30);
    expect(distanceKm(amagasaki, KOBE)).toBeCloseTo(d, 9);
  });

  test('far apart, the same place and unknown codes', () => {
    expect(distanceKm('011002', '472018')).toBeGreaterThan(2000); // 札幌市 → 那覇市
    expect(distanceKm(KOBE, KOBE)).toBe(0);
    expect(distanceKm(KOBE, '999999')).toBeNull();
    expect(distanceKm(NATIONWIDE, KOBE)).toBeNull();
  });
});

describe('listMunicipalities', () => {
  test('the whole table, every code valid and unique', () => {
    const all = listMunicipalities();
    // The source's 1,916, and 浜松市's two wards of 2024 (its abolished ones kept for older records).
    expect(all).toHaveLength(47 + 1916 + 2);
    expect(all.every((m) => isValidLgCode(m.code))).toBe(true);
    expect(new Set(all.map((m) => m.code)).size).toBe(all.length);
  });

  test("浜松市's wards of 2024 are known, inside the city, and read from addresses", () => {
    expect(getMunicipality('221384')).toMatchObject({ name: '浜松市中央区', prefecture: '静岡県', kind: 'ward' });
    expect(getMunicipality('221392')).toMatchObject({ name: '浜松市浜名区', kind: 'ward' });
    expect(isWithin('221384', '221309')).toBe(true);
    expect(municipalityOfAddress('静岡県浜松市中央区元城町103-2')).toBe('221384');
    expect(municipalityOfAddress('浜松市浜名区貝塚町9-1')).toBe('221392');
  });

  test.each(['28', HYOGO, '兵庫県', '兵庫'])('one prefecture by %p', (p) => {
    const hyogo = listMunicipalities(p);
    expect(hyogo).toHaveLength(50);
    expect(hyogo.every((m) => m.prefectureCode === HYOGO && m.kind !== 'prefecture')).toBe(true);
    expect(hyogo.map((m) => m.code)).toContain(KOBE_CHUO);
  });

  test('an unknown prefecture gives nothing', () => {
    expect(listMunicipalities('火星県')).toEqual([]);
  });

  test('returned records cannot be changed by callers', () => {
    const kobe = getMunicipality(KOBE) as { name: string };
    expect(() => {
      kobe.name = 'changed';
    }).toThrow(TypeError);
  });
});

// The reference CSV lives outside the project; CI machines or users' checkouts may not have it.
const SHARED_CSV = path.resolve(__dirname, '../../../shared/data/localgovjp-municipalities.csv');
const sharedDataPresent = existsSync(SHARED_CSV);
if (!sharedDataPresent) {
  console.warn(`SKIPPED: ../shared/data absent (${SHARED_CSV}); municipalities.json was not compared with its source`);
}
const testWithSharedData = sharedDataPresent ? test : test.skip;

testWithSharedData('municipalities.json agrees with ../shared/data/localgovjp-municipalities.csv', () => {
  const records: Record<string, string>[] = parse(readFileSync(SHARED_CSV), { bom: true, columns: true });
  // Every source row, and the two wards derive.ts adds for changes after the source's date.
  const cities = listMunicipalities().filter((m) => m.kind !== 'prefecture' && !['221384', '221392'].includes(m.code));
  expect(cities).toHaveLength(records.length);
  for (const r of records) {
    const m = getMunicipality(r.lgcode);
    expect(m).toBeDefined();
    expect([m?.prefecture, m?.name, m?.kana, m?.lat, m?.lng]).toEqual([
      r.pref,
      r.city.replace(/\s+/g, ''),
      r.citykana.replace(/\s+/g, ''),
      Number(r.lat),
      Number(r.lng),
    ]);
  }
  const sample = (code: string) => records.find((r) => r.lgcode === code);
  expect(sample(KOBE_CHUO)?.city).toBe('神戸市 中央区');
  expect(sample(TOSHIMA)?.city).toBe('豊島区');
  expect(sample(FUJI)?.city).toBe('富士市');
  expect(Number(sample(KOBE)?.lat)).toBeCloseTo(getMunicipality(KOBE)?.lat as number, 6);
});

describe('places in free text', () => {
  const read = (text: string) => placesInText(text).map((p) => p.candidates.map((m) => m.code));

  test('official names, 〜内, a prefecture before its city, bare names standing apart', () => {
    expect(read('神戸市で使える補助金')).toEqual([['281000']]);
    expect(read('豊島区内の店舗')).toEqual([['131164']]);
    expect(placesInText('豊島区内の店舗')[0].text).toBe('豊島区内');
    expect(read('兵庫県神戸市中央区')).toEqual([['281107']]);
    expect(read('東京で起業')).toEqual([['130001']]);
    expect(read('明石の創業')).toEqual([['282031']]);
  });

  test('must not read a place inside another word, or a bare name glued to kanji', () => {
    expect(read('兵庫工業会')).toEqual([]);
    expect(read('富士通')).toEqual([]);
    expect(read('都市計画')).toEqual([]);
    expect(read('創業支援')).toEqual([]);
  });

  test('an ambiguous name is narrowed by another place of the text, else left with every candidate', () => {
    expect(read('東京都の北区')).toEqual([['131172']]);
    expect(read('北区').flat().length).toBeGreaterThan(3);
    expect(read('府中市').flat().sort()).toEqual(['132063', '342084']);
    // The wider of two nested places is dropped.
    expect(read('兵庫県の明石市')).toEqual([['282031']]);
  });
});

describe('municipality lookup for pickers', () => {
  const names = (name: string | null, prefecture: string | null = null, first = 20) =>
    searchMunicipalities(name, prefecture, first).map((m) => m.name);

  test('by name: exact first, then names starting with it, then names containing it', () => {
    expect(names('神戸市')[0]).toBe('神戸市');
    expect(names('神戸市').slice(1)).toEqual(expect.arrayContaining(['神戸市中央区', '神戸市東灘区']));
    expect(names('明石')).toEqual(['明石市']);
  });

  test('by reading in hiragana or katakana, and by code with or without its check digit', () => {
    expect(names('こうべし')[0]).toBe('神戸市');
    expect(names('トシマ')).toContain('豊島区');
    expect(names('131164')).toEqual(['豊島区']);
    expect(names('13116')).toEqual(['豊島区']);
  });

  test('a prefecture narrows a name shared by many (中央区) and lists its municipalities alone', () => {
    expect(names('中央区', '東京都')).toEqual(['中央区']);
    expect(names('中央区', '28')).toEqual(['神戸市中央区']);
    expect(names(null, '兵庫県', 3)).toEqual(['兵庫県', '神戸市', '神戸市東灘区']);
  });

  test('must not match: unknown names, a code failing its check digit, a name outside the prefecture, an unknown prefecture', () => {
    expect(names('ニューヨーク')).toEqual([]);
    expect(names('131165')).toEqual([]);
    expect(names('豊島区', '兵庫県')).toEqual([]);
    expect(names('神戸', '架空県')).toEqual([]);
  });

  test('first bounds the list; 0 gives nothing', () => {
    expect(names('市', null, 5)).toHaveLength(5);
    expect(names('市', null, 0)).toEqual([]);
  });
});

describe('municipalityOfAddress', () => {
  test.each<[string, string | null]>([
    ['高松市上之町二丁目9-23  マイシアター高松1階', '372013'],
    ['兵庫県神戸市中央区港島南町1-5-2', '281107'],
    ['〒650-0044 神戸市中央区東川崎町1-8-4', '281107'],
    ['大阪府大阪市北区中之島1-3-20', '271276'],
    ['兵庫県多可郡多可町中区岸上281', '283657'],
    ['四日市市諏訪町1-5', '242021'],
    ['東京都府中市宮西町2-24', '132063'],
    // Two 府中市 and ten cities' 中央区: no guess without a prefecture.
    ['府中市宮西町2-24', null],
    ['中央区銀座1-1', null],
    // A street with no town, and a place that is not where the address begins.
    ['上之町1-2', null],
    ['マイシアター高松1階 高松市上之町', null],
  ])('%s → %s', (address, code) => {
    expect(municipalityOfAddress(address)).toBe(code);
  });
});
