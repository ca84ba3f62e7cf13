/**
 * The mapping language, feature by feature, each with the bad input it must refuse clearly:
 * map/default for closed vocabularies, industries by name, null words, period, derived ids,
 * pattern, header folding, row filters, the agency's own organization and the config checks.
 */
import { join } from 'node:path';
import { compileRowFilter, columnKey, deriveId, hashId } from './mapping';
import { mapRecord } from './record';
import { AgencyConfigError, parseAgencyConfig } from './config';

const base = { localId: 'ID', title: '名称', kind: { value: '補助金' } };
const row = (cells: Record<string, string>) =>
  Object.fromEntries(Object.entries(cells).map(([k, v]) => [columnKey(k), v]));

describe('map: and default: for closed vocabularies', () => {
  const kind = { column: '種別', map: { 設備導入: '補助金', 伴走支援: '専門家派遣', お知らせ: null } };
  test('a mapped value reads as its target; an unknown one without default refuses the row, naming field and value', () => {
    expect(
      mapRecord('program', { ...base, kind }, row({ ID: 'a', 名称: 'x', 種別: '設備導入' }), 2, 'x'),
    ).toMatchObject({ ok: true, fields: { kind: 'SUBSIDY' } });
    expect(
      mapRecord('program', { ...base, kind }, row({ ID: 'a', 名称: 'x', 種別: '伴走支援' }), 2, 'x'),
    ).toMatchObject({ ok: true, fields: { kind: 'EXPERT_DISPATCH' } });
    const refused = mapRecord('program', { ...base, kind }, row({ ID: 'a', 名称: 'x', 種別: '宝くじ' }), 7, 'x');
    expect(refused).toMatchObject({
      ok: false,
      rejection: {
        row: 7,
        field: '種別',
        value: '宝くじ',
        reason: expect.stringMatching(
          /^unknown programme kind "宝くじ"; expected one of 補助金, .* \(or give the field a map: or a default:\)$/,
        ),
      },
    });
    // Mapped to null: blank, and kind is required.
    expect(
      mapRecord('program', { ...base, kind }, row({ ID: 'a', 名称: 'x', 種別: 'お知らせ' }), 2, 'x'),
    ).toMatchObject({ ok: false, rejection: { reason: 'required kind is empty' } });
  });

  test('default: takes what neither vocabulary nor map knows, with a warning; a blank required cell too, without one', () => {
    const withDefault = { ...base, kind: { ...kind, default: 'その他' } };
    const r = mapRecord('program', withDefault, row({ ID: 'a', 名称: 'x', 種別: '宝くじ' }), 3, 'x');
    expect(r).toMatchObject({ ok: true, fields: { kind: 'OTHER' } });
    expect(r.warnings).toEqual([
      {
        row: 3,
        field: '種別',
        value: '宝くじ',
        message: "not in the programme kind vocabulary nor the field's map; its default is used",
      },
    ]);
    const blank = mapRecord('program', withDefault, row({ ID: 'a', 名称: 'x', 種別: '' }), 3, 'x');
    expect(blank).toEqual({ ok: true, fields: expect.objectContaining({ kind: 'OTHER' }) });
  });

  test('outcomes and channels as written (継続相談), and a list vocabulary with default: null skipping the unknown', () => {
    const consult = {
      localId: 'ID',
      receivedAt: '日',
      channel: { column: '方法', map: { FAX: '電話' } },
      outcome: '結果',
      topics: { column: '分野', default: null },
    };
    const r = mapRecord(
      'consultation',
      consult,
      row({ ID: 'c1', 日: '2025-04-01', 方法: 'FAX', 結果: '継続相談', 分野: '資金繰り、なんでも' }),
      2,
      'x',
    );
    expect(r).toMatchObject({ ok: true, fields: { channel: 'PHONE', outcome: 'CONTINUING', topics: ['FINANCE'] } });
    expect(r.warnings?.map((w) => w.value)).toEqual(['なんでも']);
  });
});

describe('industries by JSIC name, group and class, and everyday words', () => {
  test('小売業 → I, 飲食店 → M, 建設業 → D, 食料品製造業 → E; an unknown word refuses the row naming it', () => {
    const m = { ...base, industries: '業種' };
    expect(
      mapRecord('program', m, row({ ID: 'a', 名称: 'x', 業種: '小売業、飲食店、建設業、食料品製造業、IT' }), 2, 'x'),
    ).toMatchObject({ ok: true, fields: { industries: ['I', 'M', 'D', 'E', 'G'] } });
    const consult = { localId: 'ID', receivedAt: '日', channel: { value: '窓口' }, industry: '業種' };
    expect(
      mapRecord('consultation', consult, row({ ID: 'c', 日: '2025-04-01', 業種: '小売業' }), 2, 'x'),
    ).toMatchObject({ ok: true, fields: { industry: 'I' } });
    expect(
      mapRecord('consultation', consult, row({ ID: 'c', 日: '2025-04-01', 業種: '宇宙業' }), 2, 'x'),
    ).toMatchObject({
      ok: false,
      rejection: { field: '業種', reason: expect.stringMatching(/^"宇宙業" is not a JSIC division/) },
    });
  });
});

describe("nullWords: the built-in list and a field's own", () => {
  test('随時, 通年, 予算がなくなり次第終了, 不明 and － read as blank with a warning naming the field; the row lands', () => {
    const m = { ...base, opensOn: '開始', closesOn: '終了', employeeCeiling: '従業員' };
    for (const word of ['随時', '通年', '予算がなくなり次第終了', '要相談', '不明', '－', '未定']) {
      const r = mapRecord(
        'program',
        m,
        row({ ID: 'a', 名称: 'x', 開始: '2025/4/1', 終了: word, 従業員: '20名以下' }),
        5,
        'x',
      );
      expect(r).toMatchObject({ ok: true, fields: { opensOn: '2025-04-01', closesOn: null, employeeCeiling: 20 } });
      expect(r.warnings).toEqual([
        {
          row: 5,
          field: '終了',
          value: word,
          message: 'read as no closesOn: the cell holds a word meaning "none" (a null word)',
        },
      ]);
    }
  });

  test("an amount keeps its text where the schema has a raw field; a consultation's 従業員数 = 不明 lands", () => {
    const r = mapRecord('program', { ...base, maxAmount: '上限' }, row({ ID: 'a', 名称: 'x', 上限: '要相談' }), 2, 'x');
    expect(r).toMatchObject({ ok: true, fields: { maxAmount: null, maxAmountText: '要相談' } });
    const consult = { localId: 'ID', receivedAt: '日', channel: { value: '窓口' }, employees: '従業員数' };
    expect(
      mapRecord('consultation', consult, row({ ID: 'c', 日: '2025-04-01', 従業員数: '不明' }), 2, 'x'),
    ).toMatchObject({ ok: true, fields: { employees: null } });
  });

  test('a word the field does not list still refuses the row; listed in nullWords it reads as blank', () => {
    const r = mapRecord(
      'program',
      { ...base, closesOn: '終了' },
      row({ ID: 'a', 名称: 'x', 終了: '公募終了まで' }),
      4,
      'x',
    );
    expect(r).toMatchObject({
      ok: false,
      rejection: { row: 4, field: '終了', value: '公募終了まで', reason: '"公募終了まで" is not a recognizable date' },
    });
    const own = mapRecord(
      'program',
      { ...base, closesOn: { column: '終了', nullWords: ['公募終了まで'] } },
      row({ ID: 'a', 名称: 'x', 終了: '公募終了まで' }),
      4,
      'x',
    );
    expect(own).toMatchObject({ ok: true, fields: { closesOn: null } });
  });
});

describe('period: one cell split into opensOn and closesOn', () => {
  const m = { ...base, period: '申請期間' };
  test.each([
    ['令和7年4月1日～令和7年5月31日', '2025-04-01', '2025-05-31'],
    ['令和7年4月1日(火)〜5月30日(金)17時まで', '2025-04-01', '2025-05-30'],
    ['2025/4/1 - 2025/5/31', '2025-04-01', '2025-05-31'],
    ['R7.4.1から5.31まで', '2025-04-01', '2025-05-31'],
    ['令和7年12月1日～2月27日', '2025-12-01', '2026-02-27'],
    ['令和7年4月1日～', '2025-04-01', null],
    ['～令和7年5月31日', null, '2025-05-31'],
    ['令和7年5月31日まで', null, '2025-05-31'],
    ['令和7年4月1日～未定', '2025-04-01', null],
  ])('%s', (cell, opensOn, closesOn) => {
    expect(mapRecord('program', m, row({ ID: 'a', 名称: 'x', 申請期間: cell }), 2, 'x')).toMatchObject({
      ok: true,
      fields: { opensOn, closesOn },
    });
  });

  test('a period that does not parse refuses its row with the reason; one that runs backwards too', () => {
    expect(mapRecord('program', m, row({ ID: 'a', 名称: 'x', 申請期間: '令和7年度中' }), 9, 'x')).toMatchObject({
      ok: false,
      rejection: {
        row: 9,
        field: '申請期間',
        value: '令和7年度中',
        reason: expect.stringMatching(/^"令和7年度中" is not a period of two days/),
      },
    });
    expect(mapRecord('program', m, row({ ID: 'a', 名称: 'x', 申請期間: '令和7年4月1日' }), 9, 'x')).toMatchObject({
      ok: false,
      rejection: { reason: expect.stringContaining('one day only') },
    });
    expect(mapRecord('program', m, row({ ID: 'a', 名称: 'x', 申請期間: '2025/5/31～2025/4/1' }), 9, 'x')).toMatchObject(
      {
        ok: false,
        rejection: { field: '申請期間', reason: 'application closes (2025-04-01) before it opens (2025-05-31)' },
      },
    );
    // 随時 in a period column: no days at all, with a warning.
    expect(mapRecord('program', m, row({ ID: 'a', 名称: 'x', 申請期間: '随時' }), 9, 'x')).toMatchObject({
      ok: true,
      fields: { opensOn: null, closesOn: null },
    });
  });
});

describe('derived ids', () => {
  test('from: keeps an id as it is and turns a URL into its host and a stable hash; hash: spans columns; template: builds one', () => {
    expect(deriveId('P-001')).toBe('P-001');
    const url = 'https://www.city.example.lg.jp/shien/hojo.html#top';
    expect(deriveId(url)).toMatch(/^www\.city\.example\.lg\.jp-[0-9a-f]{16}$/);
    expect(deriveId(url)).toBe(deriveId('https://www.city.example.lg.jp/shien/hojo.html'));
    expect(hashId(['https://a.example/x', '332160'])).not.toBe(hashId(['https://a.example/x', '023434']));
    const m = { ...base, localId: { from: 'URL' } };
    expect(mapRecord('program', m, row({ URL: url, 名称: 'x' }), 2, 'x')).toMatchObject({
      ok: true,
      fields: { localId: deriveId(url) },
    });
    const t = { ...base, localId: { template: '{年度}-{番号}' } };
    expect(mapRecord('program', t, row({ 年度: 'R7', 番号: '12', 名称: 'x' }), 2, 'x')).toMatchObject({
      ok: true,
      fields: { localId: 'R7-12' },
    });
    // A template that yields no identifier refuses the row and says how to derive one.
    expect(mapRecord('program', t, row({ 年度: '令和7', 番号: '12', 名称: 'x' }), 2, 'x')).toMatchObject({
      ok: false,
      rejection: { reason: expect.stringContaining('{ from: column }') },
    });
  });
});

describe('pattern: part of a cell', () => {
  test('the first group of a match, blank when nothing matches', () => {
    const m = { ...base, kind: { column: '名称', pattern: '^([^：:]+)[：:]', default: 'その他' } };
    expect(mapRecord('program', m, row({ ID: 'a', 名称: '融資：運転資金' }), 2, 'x')).toMatchObject({
      ok: true,
      fields: { kind: 'LOAN' },
    });
    expect(mapRecord('program', m, row({ ID: 'a', 名称: '商品券の配布' }), 2, 'x')).toMatchObject({
      ok: true,
      fields: { kind: 'OTHER' },
    });
  });
});

describe('header matching after NFKC and whitespace folding', () => {
  test('a header written with a line break and full-width brackets is found however the mapping writes it', () => {
    const consult = { localId: 'ID', receivedAt: '日', channel: { value: '窓口' }, employees: '従業員数(人)' };
    const r = mapRecord('consultation', consult, row({ ID: 'c', 日: '2025-04-01', '従業員数\n（人）': '12' }), 2, 'x');
    expect(r).toMatchObject({ ok: true, fields: { employees: 12 } });
  });
});

describe('where: row filters', () => {
  test('keep by value, drop by pattern', () => {
    const keep = compileRowFilter({
      keep: { column: 'category', is: ['支援', '補助金'] },
      drop: [{ column: 'title', matches: '^【終了】' }],
    })!;
    expect(keep(row({ category: '支援', title: '創業補助金' }))).toBe(true);
    expect(keep(row({ category: 'ニュース', title: '創業補助金' }))).toBe(false);
    expect(keep(row({ category: '補助金', title: '【終了】創業補助金' }))).toBe(false);
    expect(compileRowFilter({ keep: { column: 'url', empty: false } })!(row({ url: '' }))).toBe(false);
  });
});

describe('agency files: the new options are checked at start-up with file, path and expectation', () => {
  const file = join(__dirname, '..', '..', 'agencies', 'check-config.yaml');
  const agency = (mapping: string, extra = '') =>
    parseAgencyConfig(
      `id: check-config\nname: 確認\n${extra}sources:\n  - id: programs\n    kind: spreadsheet\n    entity: program\n    location: x.csv\n    mapping:\n${mapping}`,
      file,
      {},
    );
  const problems = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof AgencyConfigError) return e.problems;
      throw e;
    }
    return [];
  };
  const ok = '      localId: ID\n      title: 名称\n';

  test('a map target or default the vocabulary does not know, map on a free-text field, period beside opensOn, from on a non-id', () => {
    expect(problems(() => agency(`${ok}      kind: { column: 種別, map: { 設備導入: 宝くじ } }\n`))).toEqual([
      {
        path: 'sources.0.mapping.kind.map.設備導入',
        message: expect.stringMatching(
          /^maps "設備導入" to "宝くじ", which "kind" does not accept \(one of SUBSIDY\/補助金/,
        ),
      },
    ]);
    expect(problems(() => agency(`${ok}      kind: { column: 種別, default: 宝くじ }\n`))[0]).toMatchObject({
      path: 'sources.0.mapping.kind.default',
    });
    expect(
      problems(() => agency(`${ok}      kind: { value: 補助金 }\n      contact: { column: 窓口, map: { a: b } }\n`))[0],
    ).toMatchObject({
      path: 'sources.0.mapping.contact.map',
      message: expect.stringContaining('"map" applies to vocabulary and list fields'),
    });
    expect(
      problems(() => agency(`${ok}      kind: { value: 補助金 }\n      period: 期間\n      opensOn: 開始\n`))[0],
    ).toMatchObject({
      path: 'sources.0.mapping.period',
      message: '"period" fills opensOn and closesOn; map either "period" or "opensOn", not both',
    });
    expect(problems(() => agency(`${ok}      kind: { value: 補助金 }\n      url: { from: URL }\n`))[0]).toMatchObject({
      path: 'sources.0.mapping.url',
    });
    expect(problems(() => agency(`${ok}      kind: { column: 種別, pattern: '([' }\n`))[0]).toMatchObject({
      path: 'sources.0.mapping.kind.pattern',
      message: 'a valid regular expression',
    });
  });

  test("id: names the record's own id; the organization: declaration is checked like a row", () => {
    const a = agency('      id: { hash: [URL, コード] }\n      title: 名称\n      kind: { value: 補助金 }\n');
    expect(a.sources[0].mapping.localId).toEqual({ hash: ['URL', 'コード'] });
    expect(
      problems(() =>
        agency(`${ok}      kind: { value: 補助金 }\n`, 'organization:\n  municipality: 架空市\n  url: ftp://x\n'),
      ),
    ).toEqual([
      {
        path: 'organization.municipality',
        message: 'a 6-digit 全国地方公共団体コード or a municipality name expected',
      },
      { path: 'organization.url', message: 'an http(s) URL expected' },
    ]);
    expect(
      problems(() =>
        parseAgencyConfig(
          'id: check-config\nname: x\nsources:\n  - id: organization\n    kind: spreadsheet\n    entity: program\n    location: x\n    mapping: { localId: a, title: b, kind: { value: 補助金 } }\n',
          file,
          {},
        ),
      )[0],
    ).toMatchObject({
      path: 'sources.0.id',
      message: '"organization" is kept for the agency\'s own organization',
    });
  });
});
