import { mappedColumns, requiredColumns } from './mapping';
import { mapRecord } from './record';

const base = { localId: 'ID', title: '名称', kind: { value: '補助金' } };

describe('mapping rules', () => {
  test('one-line text with html: true resolves tags and entities; unmarked markup is resolved with a warning; html: false keeps it', () => {
    const r = mapRecord(
      'program',
      { ...base, title: { column: '名称', html: true }, contact: '窓口' },
      { ID: 'A1', 名称: '融資&nbsp;制度<br>（&#44;付き）', 窓口: '経済局&nbsp;' },
      2,
      'x',
    );
    expect(r).toMatchObject({ ok: true, fields: { title: '融資 制度 (,付き)', contact: '経済局' } });
    expect(r.warnings).toEqual([
      {
        row: 2,
        field: '窓口',
        value: '経済局&nbsp;',
        message: expect.stringMatching(/^HTML entities or tags in a plain-text cell were decoded/),
      },
    ]);
    const kept = mapRecord(
      'program',
      { ...base, contact: { column: '窓口', html: false } },
      { ID: 'A1', 名称: 'x', 窓口: 'A&amp;B' },
      2,
      'x',
    );
    expect(kept).toEqual({ ok: true, fields: expect.objectContaining({ contact: 'A&amp;B' }) });
    // "1 < 2" and a lone ampersand are text, not markup: no warning.
    expect(
      mapRecord('program', { ...base, contact: '窓口' }, { ID: 'A1', 名称: 'x', 窓口: '1 < 2 & 3' }, 2, 'x'),
    ).toEqual({ ok: true, fields: expect.objectContaining({ contact: '1 < 2 & 3' }) });
  });

  test('ignoreUnknown keeps the vocabulary items of a mixed list and refuses nothing', () => {
    const mapping = { ...base, supportFields: { column: '分類', split: [';#'], ignoreUnknown: true } };
    expect(
      mapRecord('program', mapping, { ID: 'A1', 名称: 'x', 分類: '相談等;#資金繰り;#雇用・従業員' }, 2, 'x'),
    ).toMatchObject({ ok: true, fields: { supportFields: ['FINANCE', 'EMPLOYMENT'] } });
    const strict = { ...base, supportFields: { column: '分類', split: [';#'] } };
    expect(mapRecord('program', strict, { ID: 'A1', 名称: 'x', 分類: '相談等;#資金繰り' }, 2, 'x')).toMatchObject({
      ok: false,
      rejection: { field: '分類', reason: 'unknown support field "相談等" (give the field a map: or a default:)' },
    });
  });

  test('industries by JSIC letter or by name, as jGrants writes them', () => {
    const mapping = { ...base, industries: { column: '業種', split: ['/'] } };
    expect(
      mapRecord(
        'program',
        mapping,
        { ID: 'A1', 名称: 'x', 業種: '製造業 / 卸売業，小売業 / G / 宿泊業、飲食サービス業' },
        2,
        'x',
      ),
    ).toMatchObject({ ok: true, fields: { industries: ['E', 'I', 'G', 'M'] } });
    expect(mapRecord('program', mapping, { ID: 'A1', 名称: 'x', 業種: 'Engineering' }, 2, 'x')).toMatchObject({
      ok: false,
      rejection: { reason: expect.stringMatching(/^"Engineering" is not a JSIC division/) },
    });
  });

  test('a template builds a value from columns; all blank stays blank', () => {
    const mapping = { ...base, url: { template: 'https://example.jp/p/{ID}?from={元}' } };
    expect(mapRecord('program', mapping, { ID: 'A1', 名称: 'x', 元: 'list' }, 2, 'x')).toMatchObject({
      ok: true,
      fields: { url: 'https://example.jp/p/A1?from=list' },
    });
    const required = { ...base, localId: { template: '{ID}' } };
    expect(mapRecord('program', required, { ID: ' ', 名称: 'x' }, 2, 'x')).toMatchObject({
      ok: false,
      rejection: { field: 'localId', reason: 'required localId is empty' },
    });
    expect(mappedColumns(mapping)).toEqual(['ID', '名称', '元']);
    expect(requiredColumns('program', required)).toEqual(['ID', '名称']);
  });
});

describe('addresses', () => {
  test('dash-like characters between digits become the hyphen of 1-2-3; a long vowel mark in a word stays', () => {
    const mapping = { id: 'ID', name: '名称', kind: { value: 'その他' }, address: '所在地' };
    const addressOf = (cell: string) => {
      const r = mapRecord('organization', mapping, { ID: 'a', 名称: 'x', 所在地: cell }, 2, 'x');
      return r.ok ? r.fields.address : r;
    };
    expect(addressOf('高松市円座町西村１２９−１５')).toBe('高松市円座町西村129-15');
    expect(addressOf('神戸市中央区港島1ー5ー2 センタービル')).toBe('神戸市中央区港島1-5-2 センタービル');
    expect(addressOf('姫路市北条1‐1–3')).toBe('姫路市北条1-1-3');
  });
});

describe('全国地方公共団体コード', () => {
  test('a code must hold its check digit and name a local government; a name is looked up', () => {
    const mapping = { id: 'ID', name: '名称', kind: { value: 'その他' }, municipalityCode: 'コード' };
    const codeOf = (cell: string) => {
      const r = mapRecord('organization', mapping, { ID: 'a', 名称: 'x', コード: cell }, 2, 'x');
      return r.ok ? r.fields.municipalityCode : r.rejection.reason;
    };
    expect(codeOf('282014')).toBe('282014');
    expect(codeOf('２８２０１４')).toBe('282014');
    expect(codeOf('姫路市')).toBe('282014');
    expect(codeOf('282015')).toBe('check digit of 全国地方公共団体コード does not match');
    // 28999 has the check digit 0 but names no local government the table knows (a typo, or a
    // municipality newer than the table): kept, with a warning.
    expect(mapRecord('organization', mapping, { ID: 'a', 名称: 'x', コード: '289990' }, 2, 'x')).toEqual({
      ok: true,
      fields: expect.objectContaining({ municipalityCode: '289990' }),
      warnings: [
        {
          row: 2,
          field: 'コード',
          value: '289990',
          message: 'the municipality table does not know this code: kept as written',
        },
      ],
    });
  });
});

describe('coordinates', () => {
  const mapping = {
    id: 'ID',
    name: '名称',
    kind: { value: 'その他' },
    address: '住所',
    municipalityCode: 'コード',
    lat: '緯度',
    lng: '経度',
  };
  const read = (lat: string, lng: string, address = '', code = '') =>
    mapRecord(
      'organization',
      mapping,
      { ID: 'a', 名称: 'x', 住所: address, コード: code, 緯度: lat, 経度: lng },
      7,
      'x',
    );
  const placed = (lat: string, lng: string, address?: string, code?: string) => {
    const r = read(lat, lng, address, code);
    return r.ok
      ? { lat: r.fields.lat, lng: r.fields.lng, warnings: r.warnings?.map((w) => [w.field, w.value, w.message]) }
      : r;
  };
  test('a pair only valid the other way round is read swapped, with a warning naming the row and column', () => {
    expect(read('35.652096', '139.726341', '東京都港区南麻布5-7-13')).toEqual({
      ok: true,
      fields: expect.objectContaining({ lat: 35.652096, lng: 139.726341, municipalityCode: '131032' }),
    });
    expect(read('142.191557', '27.093979')).toEqual({
      ok: true,
      fields: expect.objectContaining({ lat: 27.093979, lng: 142.191557 }),
      warnings: [
        {
          row: 7,
          field: '緯度',
          value: '142.191557, 27.093979',
          message: 'the latitude holds a longitude and the longitude a latitude: read swapped',
        },
      ],
    });
    // Swapped, and then where the address says: 八王子市.
    expect(read('139.380848', '35.647956', '東京都八王子市堀之内')).toMatchObject({
      ok: true,
      fields: { lat: 35.647956, lng: 139.380848 },
      warnings: [{ field: '緯度' }],
    });
    // Degree signs and 北緯/東経 are read; full-width digits too.
    expect(placed('北緯35.65°', '東経１３９.７２', '東京都港区南麻布5-7-13')).toEqual({
      lat: 35.65,
      lng: 139.72,
      warnings: undefined,
    });
  });
  test('coordinates out of range, out of place, unreadable or half given are left out with a warning; the row lands', () => {
    const offEarth = 'coordinates left out: no place on Earth (latitude within ±90, longitude within ±180)';
    expect(placed('135.2', '135.1')).toEqual({ lat: null, lng: null, warnings: [['緯度', '135.2, 135.1', offEarth]] });
    expect(placed('34.7', '235.1')).toEqual({ lat: null, lng: null, warnings: [['経度', '34.7, 235.1', offEarth]] });
    expect(placed('34.7', '')).toEqual({
      lat: null,
      lng: null,
      warnings: [['緯度', '34.7, ', 'coordinates left out: a place needs both latitude and longitude']],
    });
    // A placeholder, and points no body of a Japanese directory is at.
    expect(placed('0', '0')).toEqual({
      lat: null,
      lng: null,
      warnings: [['緯度', '0, 0', 'coordinates left out: 0, 0 stands for no place']],
    });
    expect(placed('-35.65', '139.72')).toEqual({
      lat: null,
      lng: null,
      warnings: [['緯度', '-35.65, 139.72', 'coordinates left out: outside Japan']],
    });
    // A park in 渋谷区 whose swapped pair is in Fukuoka: neither way is where the address is.
    const far =
      'coordinates left out: far from the municipality the row names (over 80 km, and outside its prefecture)';
    expect(placed('130.416439', '33.588397', '東京都渋谷区千駄ヶ谷一丁目')).toEqual({
      lat: null,
      lng: null,
      warnings: [['緯度', '130.416439, 33.588397', `${far}, read either way`]],
    });
    // The prefecture's code alone still places a body in the prefecture: Hokkaido is not Tokyo.
    expect(placed('42.562611', '141.349451', '', '130001')).toEqual({
      lat: null,
      lng: null,
      warnings: [['緯度', '42.562611, 141.349451', far]],
    });
    // Unreadable cells: a warning, not a lost row.
    expect(placed('35度39分', '139.72')).toEqual({
      lat: null,
      lng: null,
      warnings: [
        ['緯度', '35度39分', 'coordinates left out: not a number of degrees in decimals'],
        ['経度', ', 139.72', 'coordinates left out: a place needs both latitude and longitude'],
      ],
    });
    expect(placed('0x23', '0x8b')).toMatchObject({ lat: null, lng: null });
  });
  test('a point fits the municipality of the address or of the code, or the prefecture they are in', () => {
    // A 江東区 retreat in 軽井沢町: the code names the owner, the address and the point the place.
    expect(placed('36.348', '138.597', '長野県北佐久郡軽井沢町軽井沢1-1', '131083')).toEqual({
      lat: 36.348,
      lng: 138.597,
      warnings: undefined,
    });
    // 十島村's office is in 鹿児島市, 200 km from 中之島: still in 鹿児島県's reach.
    expect(placed('29.85', '129.856', '鹿児島県鹿児島郡十島村中之島1-1')).toEqual({
      lat: 29.85,
      lng: 129.856,
      warnings: undefined,
    });
  });
});
