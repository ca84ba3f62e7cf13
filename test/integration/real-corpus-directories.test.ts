/**
 * Real files, none written by this project, onboarded by agency:init alone (test/support/
 * real-corpus.ts): init's output is the committed agency file untouched, and syncing it lands the
 * counts and the values checked by hand against the file itself (the cells quoted in the comments).
 * Files from ../shared/data skip, with a notice, where it is absent.
 * Directories of bodies, onboarded as organizations: Takamatsu's workbook of child-rearing support
 * centres and Tokyo's Shift_JIS list of public facilities.
 */
import { corpusStore, onboardDirectory } from '../support/real-corpus';

const store = corpusStore();

describe("the City of Takamatsu's workbook of child-rearing support centres (地域子育て支援拠点), 15 rows", () => {
  test('every row lands as an organization: ids prefixed, places read from addresses, full-width spaces folded', async () => {
    const { report, rows, byRow } = await onboardDirectory(store(), 'takamatsu-child-rearing-support-bases');
    expect(report).toMatchObject({ outcome: 'updated', read: 15, accepted: 15, rejected: [] });
    // The agency itself, declared by init from its name: the city, 高松市 (372013).
    expect(byRow.get(null)).toMatchObject({
      id: 'takamatsu-child-rearing-support-bases',
      name: '高松市',
      kind: 'LOCAL_GOVERNMENT',
      municipality_code: '372013',
    });
    // Row 2: 1 | 34.32106 | 134.04933 | 子育て“ほっと”ステーションもこもこ | 高松市上之町二丁目9-23␣␣マイシアター高松1階 | 087-868-2251 | https://my-theater.net/mokomoko.html
    expect(byRow.get(2)).toEqual({
      id: 'takamatsu-child-rearing-support-bases-1',
      name: '子育て“ほっと”ステーションもこもこ',
      // The workbook has no reading nor postcode column.
      name_kana: null,
      kind: 'OTHER',
      postal_code: null,
      address: '高松市上之町二丁目9-23 マイシアター高松1階',
      municipality_code: '372013',
      lat: 34.32106,
      lng: 134.04933,
      phone: '087-868-2251',
      url: 'https://my-theater.net/mokomoko.html',
      source_row: 2,
    });
    // Row 5: 子育てひろば␣おるごーる (an ideographic space), 高松市庵治町156-36, 070-8695-5494
    expect(byRow.get(5)).toMatchObject({
      id: 'takamatsu-child-rearing-support-bases-4',
      name: '子育てひろば おるごーる',
      address: '高松市庵治町156-36',
      phone: '070-8695-5494',
      lat: 34.35711,
      lng: 134.14682,
      url: 'http://yoyokai.or.jp/publics/index/31/',
    });
    // Row 6: 高松市春日町1176␣NPO法人いのちの応援舎２階 (a full-width 2)
    expect(byRow.get(6)).toMatchObject({
      name: 'おやこひろば ひなたぼっこ',
      address: '高松市春日町1176 NPO法人いのちの応援舎2階',
      phone: '087-843-8255',
      municipality_code: '372013',
    });
    // Row 7: full-width １F and brackets in the address.
    expect(byRow.get(7)).toMatchObject({
      name: '出張ひろば「ぽかぽか」',
      address: '高松市牟礼町大町1463-2 大町コミュニティセンター1F 和室(出張ひろば「ぽかぽか」)',
    });
    // Row 12: a link without a path gets the root path; 090- mobile numbers are kept as written.
    expect(byRow.get(12)).toMatchObject({
      id: 'takamatsu-child-rearing-support-bases-11',
      name: 'あそviva・ぶんぶん',
      phone: '090-6880-1988',
      url: 'http://ayumitakuji1988.ashita-sanuki.jp/',
    });
    // Row 14: two spaces between the centre's generic and own names fold to one.
    expect(byRow.get(14)).toMatchObject({
      name: '子育て支援センター 「さわやかキッズセンター」',
      address: '高松市香川町浅野1256-1 香川地域保健活動センター内',
      lat: 34.25073,
      lng: 134.03432,
    });
    // Row 16: full-width digits and a minus sign in the address (１２９−１５) read as 129-15.
    expect(byRow.get(16)).toMatchObject({
      id: 'takamatsu-child-rearing-support-bases-15',
      name: '円座子育て支援ステーション スマはぴ',
      phone: '087-816-2288',
      url: 'https://www.sho-ai-kai.com/sien',
    });
    expect(byRow.get(16)!.address).toBe('高松市円座町西村129-15');
    const listed = rows.filter((r) => r.source_row !== null);
    expect(listed).toHaveLength(15);
    expect(
      listed.every(
        (r) =>
          r.kind === 'OTHER' &&
          r.municipality_code === '372013' &&
          r.lat! > 34.2 &&
          r.lat! < 34.4 &&
          r.lng! > 133.9 &&
          r.lng! < 134.2,
      ),
    ).toBe(true);
  });
});

describe("the Tokyo Metropolitan Government's list of public facilities (公共施設一覧), a Shift_JIS CSV of 136 rows", () => {
  test('every row lands as an organization: Shift_JIS read, padded numbers prefixed, places from addresses, swapped coordinates mended', async () => {
    const { yaml, report, rows, byRow } = await onboardDirectory(store(), 'tokyo-metro-public-facilities');
    expect(yaml).toMatch(/encoding: shift_jis/);
    // init says so where the rows will be warned about.
    expect(yaml).toMatch(
      / {6}# 4 row\(s\) land with a warning: the latitude holds a longitude and the longitude a latitude: read swapped\n {6}# 2 row\(s\) land with a warning: coordinates left out: far from the municipality the row names \(over 80 km, and outside its prefecture\), read either way\n {6}lat: 緯度\n/,
    );
    expect(report).toMatchObject({ outcome: 'updated', read: 136, accepted: 136, rejected: [] });
    // Six rows' coordinates are not where the row says: four swapped (each lies in its address's
    // municipality once swapped), two far away either way (桜ヶ丘公園 in 多摩市 at 42.56, 141.35 is in
    // Hokkaido; 明治公園 in 渋谷区 at 33.59, 130.42 is in Fukuoka): those are left out, the rows land.
    expect(report.warnings.map((w) => [w.field, w.message, w.rows])).toEqual([
      ['緯度', 'the latitude holds a longitude and the longitude a latitude: read swapped', [65, 88, 93, 113]],
      [
        '緯度',
        'coordinates left out: far from the municipality the row names (over 80 km, and outside its prefecture), read either way',
        [79, 120],
      ],
    ]);
    // The agency, declared from its name: the prefecture, 東京都 (130001).
    expect(byRow.get(null)).toMatchObject({
      id: 'tokyo-metro-public-facilities',
      name: '東京都',
      kind: 'LOCAL_GOVERNMENT',
      municipality_code: '130001',
    });
    // Row 2: 131001 | 0000000001 | 東京都 | | 東京都立中央図書館 | トウキョウトリツチュウオウトショカン | | 1512a | 東京都港区南麻布5-7-13 | | 35.652096 | 139.726341 | 03-3442-8451 | … | http://www.library.metro.tokyo.jp/ | | 106-8575
    // (131001 fails its check digit, and names the publisher rather than the place: the address gives 港区.)
    expect(byRow.get(2)).toEqual({
      id: 'tokyo-metro-public-facilities-0000000001',
      name: '東京都立中央図書館',
      name_kana: 'トウキョウトリツチュウオウトショカン',
      kind: 'OTHER',
      postal_code: '106-8575',
      address: '東京都港区南麻布5-7-13',
      municipality_code: '131032',
      lat: 35.652096,
      lng: 139.726341,
      phone: '03-3442-8451',
      url: 'http://www.library.metro.tokyo.jp/',
      source_row: 2,
    });
    // Row 3: the second library, in 国分寺市, under the same link.
    expect(byRow.get(3)).toMatchObject({
      name: '東京都立多摩図書館',
      address: '東京都国分寺市泉町2-2-26',
      municipality_code: '132144',
      phone: '042-359-4020',
      postal_code: '185-8520',
    });
    // Row 13: an address without the prefecture (墨田区立川2-14-7).
    expect(byRow.get(13)).toMatchObject({
      id: 'tokyo-metro-public-facilities-0000000012',
      name: 'トーキョーアーツアンドスペースレジデンシー',
      address: '墨田区立川2-14-7',
      municipality_code: '131075',
    });
    // Row 14: full-width digits in the address (台場一丁目４番地).
    expect(byRow.get(14)).toMatchObject({
      name: 'お台場海浜公園',
      address: '東京都港区台場一丁目4番地',
      postal_code: '135-0091',
      url: 'http://www.tptc.co.jp/park/01_02',
    });
    // Row 55: no telephone; a park over four cities is placed in the first its address names.
    expect(byRow.get(55)).toMatchObject({
      name: '羽村草花丘陵自然公園',
      phone: null,
      address: '東京都あきる野市、福生市、羽村市、青梅市',
      municipality_code: '132284',
    });
    // Row 65: 緯度 142.191557, 経度 27.093979 (父島, swapped); the address opens with a bracketed
    // label and writes 小笠原 without 村: no municipality rather than a guess.
    expect(byRow.get(65)).toMatchObject({
      name: '大神山公園',
      lat: 27.093979,
      lng: 142.191557,
      municipality_code: null,
      phone: '04998-2-7170',
    });
    // Rows 79 and 120: left out as above.
    expect(byRow.get(79)).toMatchObject({ name: '桜ヶ丘公園', lat: null, lng: null, municipality_code: '132241' });
    expect(byRow.get(120)).toMatchObject({ name: '明治公園', lat: null, lng: null, municipality_code: '131130' });
    // Row 113: 緯度 139.380848, 経度 35.647956 in 八王子市.
    expect(byRow.get(113)).toMatchObject({
      name: '平山城址公園',
      lat: 35.647956,
      lng: 139.380848,
      municipality_code: '132012',
    });
    // Row 137, the last record (three records before it hold cells over several lines).
    expect(byRow.get(137)).toMatchObject({
      id: 'tokyo-metro-public-facilities-0000000136',
      name: '六義園',
      name_kana: 'リクギエン',
      address: '東京都文京区本駒込六丁目',
      municipality_code: '131059',
      phone: '03-3941-2222',
    });
    const listed = rows.filter((r) => r.source_row !== null);
    expect(listed).toHaveLength(136);
    expect(new Set(listed.map((r) => r.id)).size).toBe(136);
    // Every other place is in Tokyo's main part (the islands aside), each in its row's municipality.
    expect(
      listed
        .filter((r) => r.lat !== null && !(r.lat > 35.4 && r.lat < 35.9 && r.lng! > 139 && r.lng! < 140))
        .map((r) => r.source_row),
    ).toEqual([65]);
    expect(listed.filter((r) => r.municipality_code === null).map((r) => r.source_row)).toEqual([65]);
  });
});

// The three pages below were saved by code4fukui/JNet21 from the cities' sites (README.md beside the
// corpus); each value is checked against the page's own markup, quoted in the comments.
