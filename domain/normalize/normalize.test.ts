/**
 * Table-driven tests of the normalizers, with the forms agencies really write:
 * 和暦, full-width digits, 万/億 amounts, fractions, HTML cells and check digits.
 */
import {
  corporateNumberCheckDigit,
  foldKana,
  htmlToText,
  isValidCorporateNumber,
  isValidLgCode,
  lgCodeCheckDigit,
  normalizeCorporateNumber,
  normalizeMultiline,
  normalizePhone,
  normalizeText,
  parseDate,
  parseDateTime,
  parseEmployeeCeiling,
  parseInteger,
  parseSubsidyRate,
  parseYen,
  phoneDigits,
  splitMulti,
} from '.';

describe('parseDate', () => {
  test.each([
    ['令和7年4月1日', '2025-04-01'],
    ['R7.4.1', '2025-04-01'],
    ['R7/4/1', '2025-04-01'],
    ['r7.4.1', '2025-04-01'],
    ['令和元年5月1日', '2019-05-01'],
    ['令和 元年 5月 1日', '2019-05-01'],
    ['平成31年4月30日', '2019-04-30'],
    ['H31.4.30', '2019-04-30'],
    ['昭和64年1月7日', '1989-01-07'],
    ['平成元年1月8日', '1989-01-08'],
    ['大正15年12月24日', '1926-12-24'],
    ['明治45年7月29日', '1912-07-29'],
    ['㋿7年4月1日', '2025-04-01'],
    ['2025/4/1', '2025-04-01'],
    ['2025-04-01', '2025-04-01'],
    ['2025年4月1日', '2025-04-01'],
    ['2025.4.1', '2025-04-01'],
    ['２０２５/４/１', '2025-04-01'],
    ['２０２５年４月１日（火）', '2025-04-01'],
    ['20250401', '2025-04-01'],
    ['2026/04/01 10:00:00', '2026-04-01'],
    ['2025-04-01T00:00:00.000Z', '2025-04-01'],
    ['2025-03-31T16:00:00Z', '2025-04-01'],
    ['2025-03-31T14:59:59Z', '2025-03-31'],
    ['2025-03-31T15:00:00Z', '2025-04-01'],
    ['2025-04-01T08:00:00+09:00', '2025-04-01'],
    ['2025-03-31T23:00:00-05:00', '2025-04-01'],
    ['2024/2/29', '2024-02-29'],
    ['  2025/4/1\u3000', '2025-04-01'],
    // A deadline's hour and まで, and notes in brackets or after ※/* (旭川's 申込締切 cells).
    ['令和3年10月29日（金曜日）午後5時まで', '2021-10-29'],
    ['令和3年11月29日(月曜日) ※予定小間数に達した時点で受付締切となります。', '2021-11-29'],
    ['令和3年8月30日(月曜日)*終了しました', '2021-08-30'],
    ['2025/4/1 17:00まで（必着）', '2025-04-01'],
    ['2025年4月1日まで', '2025-04-01'],
  ])('%s → %s', (input, expected) => {
    expect(parseDate(input)).toEqual({ ok: true, value: expected });
  });

  test.each(['', '   ', '\u3000', null, undefined])('blank %p → null', (input) => {
    expect(parseDate(input)).toEqual({ ok: true, value: null });
  });

  test.each([
    ['2025/2/30', /not a calendar date/],
    ['2023/2/29', /not a calendar date/],
    ['2025/13/1', /not a calendar date/],
    ['平成32年4月1日', /平成 era ended \(2019-04-30\)/],
    ['平成31年5月1日', /era ended/],
    ['H31.5.1', /era ended/],
    ['昭和64年1月8日', /era ended/],
    ['令和1年4月30日', /before the 令和 era began \(2019-05-01\)/],
    ['令和0年5月1日', /does not exist/],
    ['明日', /not a recognizable date/],
    ['未定', /not a recognizable date/],
    ['2025/4/1〜2025/5/1', /unexpected text/],
    ['2025/4/1 25:00', /not a valid time/],
    ['2025/4/1 午後5時まで 説明会あり', /unexpected text after the date/],
    ['2025/4/1 から', /unexpected text after the date: "から"/],
  ])('%s is rejected', (input, reason) => {
    const r = parseDate(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('parseDateTime', () => {
  test.each([
    ['2026/04/01 10:00:00', '2026-04-01T10:00:00+09:00'],
    ['2026/4/1 9:05', '2026-04-01T09:05:00+09:00'],
    ['2025-04-01', '2025-04-01T00:00:00+09:00'],
    ['2025-04-01T10:00:00', '2025-04-01T10:00:00+09:00'],
    ['2025-03-31T16:00:00Z', '2025-04-01T01:00:00+09:00'],
    ['2025-04-01T10:00:00.123+09:00', '2025-04-01T10:00:00+09:00'],
    ['2025-04-01T10:00:00+0530', '2025-04-01T13:30:00+09:00'],
    ['令和7年4月1日 13:30', '2025-04-01T13:30:00+09:00'],
    ['令和7年4月1日 9時30分', '2025-04-01T09:30:00+09:00'],
    ['R7.4.1 午後3時', '2025-04-01T15:00:00+09:00'],
    ['令和3年10月29日(金曜日)午後5時まで', '2021-10-29T17:00:00+09:00'],
    ['令和3年11月29日 ※予定数に達し次第締切', '2021-11-29T00:00:00+09:00'],
    ['２０２６／０４／０１　１０：００', '2026-04-01T10:00:00+09:00'],
  ])('%s → %s', (input, expected) => {
    expect(parseDateTime(input)).toEqual({ ok: true, value: expected });
  });

  test('blank is null and nonsense is rejected', () => {
    expect(parseDateTime('')).toEqual({ ok: true, value: null });
    expect(parseDateTime('随時').ok).toBe(false);
    expect(parseDateTime('2025/2/30 10:00').ok).toBe(false);
  });
});

describe('parseYen', () => {
  test.each([
    ['上限100万円', 1_000_000],
    ['1,000千円', 1_000_000],
    ['1億2,000万円', 120_000_000],
    ['1億2千万円', 120_000_000],
    ['3億円', 300_000_000],
    ['3千万円', 30_000_000],
    ['5百万円', 5_000_000],
    ['1.5億円', 150_000_000],
    ['500,000円', 500_000],
    ['５０万円', 500_000],
    ['１，０００，０００円', 1_000_000],
    ['100万円以内', 1_000_000],
    ['最大200万円', 2_000_000],
    ['2,000万円(うち運転資金1,000万円)', 20_000_000],
    ['1000000', 1_000_000],
    ['上限 1,000,000', 1_000_000],
    ['令和7年度 上限50万円', 500_000],
    ['50万円〜100万円', 500_000],
  ])('%s → %d yen', (input, amount) => {
    const r = parseYen(input);
    expect(r).toEqual({ ok: true, value: { amount, text: normalizeText(input) } });
  });

  test.each(['定額', '要相談', '予算の範囲内', '対象経費による'])('%s keeps its text without an amount', (input) => {
    expect(parseYen(input)).toEqual({ ok: true, value: { amount: null, text: input } });
  });

  test.each(['', '  ', null, 'なし', '-', '－', '該当なし', 'ー'])('%p → null', (input) => {
    expect(parseYen(input)).toEqual({ ok: true, value: null });
  });

  test.each(['12,34万円', '1,0000円', '1.2.3万円'])('malformed number %s is rejected', (input) => {
    const r = parseYen(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/well-formed/);
  });
});

describe('parseSubsidyRate', () => {
  test.each([
    ['2/3以内', 0.6667],
    ['1/2', 0.5],
    ['1/2以内', 0.5],
    ['3/4', 0.75],
    ['１／３', 0.3333],
    ['２分の１', 0.5],
    ['2分の1', 0.5],
    ['3分の2以内', 0.6667],
    ['⅔', 0.6667],
    ['20%', 0.2],
    ['２０％', 0.2],
    ['12.5%', 0.125],
    ['10/10', 1],
    ['3割', 0.3],
    ['1/2(小規模事業者は2/3)', 0.5],
    ['令和7年度 50%', 0.5],
  ])('%s → %d', (input, ratio) => {
    expect(parseSubsidyRate(input)).toEqual({ ok: true, value: { text: normalizeText(input), ratio } });
  });

  test.each(['定額', '年1.2%', '利率 0.8%', '年利1.0%', '金利 年0.9%〜', '要相談'])(
    '%s has no ratio but keeps its text',
    (input) => {
      expect(parseSubsidyRate(input)).toEqual({ ok: true, value: { text: normalizeText(input), ratio: null } });
    },
  );

  test.each(['', ' ', null])('blank %p → null', (input) => {
    expect(parseSubsidyRate(input)).toEqual({ ok: true, value: null });
  });

  test.each(['3/2', '1/0', '150%'])('%s is not a share of costs', (input) => {
    expect(parseSubsidyRate(input).ok).toBe(false);
  });
});

describe('parseEmployeeCeiling', () => {
  test.each([
    ['20名以下', 20],
    ['300人以下', 300],
    ['50名未満', 49],
    ['常時使用する従業員が20人以下', 20],
    ['従業員5人以下', 5],
    ['２０人以下', 20],
    ['１，０００人以下', 1000],
    ['100名まで', 100],
    ['50人以内', 50],
    ['20', 20],
    ['製造業その他300人以下、商業・サービス業5人以下', 300],
    ['常時雇用する従業員の数が 50 人以下', 50],
  ])('%s → %d', (input, ceiling) => {
    expect(parseEmployeeCeiling(input)).toEqual({ ok: true, value: ceiling });
  });

  test.each(['従業員数の制約なし', '制限なし', '不問', '従業員数不問', '規模は問わない', '', '　', null])(
    '%p → null',
    (input) => {
      expect(parseEmployeeCeiling(input)).toEqual({ ok: true, value: null });
    },
  );

  test.each([
    ['21人以上', /lower bound/],
    ['5人超', /lower bound/],
    ['中小企業', /no headcount/],
  ])('%s is rejected', (input, reason) => {
    const r = parseEmployeeCeiling(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('parseInteger', () => {
  test.each([
    ['12', 12],
    ['１２', 12],
    ['1,234', 1234],
    ['１，２３４人', 1234],
    ['30名', 30],
    ['7件', 7],
    ['18社', 18],
    ['-5', -5],
    [' 42 ', 42],
  ])('%s → %d', (input, n) => {
    expect(parseInteger(input)).toEqual({ ok: true, value: n });
  });

  test.each(['1.5', 'abc', '1,23', '12個'])('%s is rejected', (input) => {
    expect(parseInteger(input).ok).toBe(false);
  });

  test('blank → null', () => {
    expect(parseInteger('')).toEqual({ ok: true, value: null });
  });
});

describe('splitMulti', () => {
  test.each<[string | null, string[]]>([
    [';#経営;#金融・資金繰り;#', ['経営', '金融・資金繰り']],
    [';#起業・創業;#', ['起業・創業']],
    ['技術、経営、販路開拓', ['技術', '経営', '販路開拓']],
    ['技術，経営', ['技術', '経営']],
    ['技術,経営', ['技術', '経営']],
    ['東京都 / 大阪府', ['東京都', '大阪府']],
    ['東京都／大阪府', ['東京都', '大阪府']],
    ['IT|DX', ['IT', 'DX']],
    ['IT｜DX', ['IT', 'DX']],
    ['技術\n経営\r\n労務\r販路', ['技術', '経営', '労務', '販路']],
    ['金融・資金繰り', ['金融・資金繰り']],
    ['経営、経営、 経営 ', ['経営']],
    ['ＩＴ、ＩＴ', ['IT']],
    ['、、技術,,', ['技術']],
    ['  ', []],
    ['', []],
    [null, []],
    ['ｾﾐﾅｰ、セミナー', ['セミナー']],
  ])('%p → %p', (input, expected) => {
    expect(splitMulti(input)).toEqual(expected);
  });

  test('custom separators replace the defaults', () => {
    expect(splitMulti('a;b,c', [';'])).toEqual(['a', 'b,c']);
    expect(splitMulti('1/2、3', ['、'])).toEqual(['1/2', '3']);
  });
});

describe('text normalization', () => {
  test.each([
    ['ＡＢＣ１２３', 'ABC123'],
    ['２０２５年', '2025年'],
    ['ﾃｸﾉﾛｼﾞｰ', 'テクノロジー'],
    ['ｶﾞｲﾄﾞ', 'ガイド'],
    ['中小\u3000企業', '中小 企業'],
    ['a\u00a0b', 'a b'],
    ['  a   b\t\tc  ', 'a b c'],
    ['一行目\n二行目', '一行目 二行目'],
    ['ゼロ\u200b幅\ufeff', 'ゼロ幅'],
    ['（株）', '(株)'],
    ['', ''],
  ])('normalizeText(%p) → %p', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  test.each([
    ['a\r\nb\rc', 'a\nb\nc'],
    ['  a  \n  b  ', 'a\nb'],
    ['a\n\n\n\n b', 'a\n\nb'],
    ['\n\nａ　ｂ\n', 'a b'],
  ])('normalizeMultiline(%p) → %p', (input, expected) => {
    expect(normalizeMultiline(input)).toBe(expected);
  });

  test.each([
    ['一行目<br>二行目', '一行目\n二行目'],
    ['一行目<br/>二行目<BR />三行目', '一行目\n二行目\n三行目'],
    ['<p>段落1</p><p>段落2</p>', '段落1\n段落2'],
    ['<ul><li>一</li><li>二</li></ul>', '一\n二'],
    ['<div>a</div><div>b</div>', 'a\nb'],
    ['融資&nbsp;制度', '融資 制度'],
    ['R&amp;D', 'R&D'],
    ['&#65;&#x42;&#12354;', 'ABあ'],
    ['&lt;b&gt;', '<b>'],
    ['&amp;lt;', '&lt;'],
    ['<b>太字</b>と<a href="/x">リンク</a>', '太字とリンク'],
    ['１００万円<br>（上限）', '100万円\n(上限)'],
    ['1 < 2', '1 < 2'],
    ['<!-- note -->本文<script>alert(1)</script>', '本文'],
    ['a<br><br><br><br>b', 'a\n\nb'],
    ['&unknown; text', '&unknown; text'],
  ])('htmlToText(%p) → %p', (input, expected) => {
    expect(htmlToText(input)).toBe(expected);
  });

  test.each([
    ['カタカナ', 'かたかな'],
    ['ｶﾀｶﾅ', 'かたかな'],
    ['ひらがな', 'ひらがな'],
    ['ＤＸ推進', 'dx推進'],
    ['コウベシ', 'こうべし'],
  ])('foldKana(%p) → %p', (input, expected) => {
    expect(foldKana(input)).toBe(expected);
  });
});

describe('corporate number (法人番号)', () => {
  test.each([
    ['4011001098993', true],
    ['1180301018771', true],
    ['４０１１００１０９８９９３', true],
    ['4-0110-0109-8993', true],
    ['4 0110 0109 8993', true],
    ['4011001098994', false],
    ['5011001098993', false],
    ['1180301018772', false],
    ['401100109899', false],
    ['40110010989930', false],
    ['401100109899A', false],
    ['', false],
  ])('isValidCorporateNumber(%p) → %p', (input, valid) => {
    expect(isValidCorporateNumber(input)).toBe(valid);
  });

  test.each([
    ['011001098993', 4],
    ['180301018771', 1],
  ])('check digit of %s is %d', (base, digit) => {
    expect(corporateNumberCheckDigit(base)).toBe(digit);
  });

  test('normalizeCorporateNumber explains what is wrong', () => {
    expect(normalizeCorporateNumber('４０１１-００１０-９８９９３')).toEqual({ ok: true, value: '4011001098993' });
    expect(normalizeCorporateNumber('')).toEqual({ ok: true, value: null });
    expect(normalizeCorporateNumber('12345')).toEqual({
      ok: false,
      reason: expect.stringContaining('13 digits expected'),
    });
    expect(normalizeCorporateNumber('5011001098993')).toEqual({
      ok: false,
      reason: expect.stringContaining('check digit should be 4'),
    });
  });

  test('a malformed base is a programming error', () => {
    expect(() => corporateNumberCheckDigit('123')).toThrow(RangeError);
  });
});

describe('全国地方公共団体コード', () => {
  test.each([
    ['280003', true], // 兵庫県
    ['130001', true], // 東京都
    ['270008', true], // 大阪府
    ['131164', true], // 豊島区
    ['222101', true], // 富士市
    ['281000', true], // 神戸市
    ['281107', true], // 神戸市中央区
    ['011002', true], // 札幌市
    ['２８０００３', true],
    ['280004', false],
    ['131165', false],
    ['222100', false],
    ['28000', false],
    ['2800030', false],
    ['28000A', false],
    ['', false],
  ])('isValidLgCode(%p) → %p', (input, valid) => {
    expect(isValidLgCode(input)).toBe(valid);
  });

  test.each([
    ['28000', 3],
    ['13116', 4],
    ['22210', 1],
    ['28100', 0],
  ])('check digit of %s is %d', (base, digit) => {
    expect(lgCodeCheckDigit(base)).toBe(digit);
  });
});

describe('normalizePhone', () => {
  it('unifies widths, hyphens and parentheses and keeps Japanese numbers of 10 or 11 digits', () => {
    expect(normalizePhone('０７８－１２３－４５６７')).toEqual({ ok: true, value: '078-123-4567' });
    expect(normalizePhone('(078)123-4567')).toEqual({ ok: true, value: '078-123-4567' });
    expect(normalizePhone('090 1234 5678')).toEqual({ ok: true, value: '090-1234-5678' });
    expect(normalizePhone('')).toEqual({ ok: true, value: null });
    expect(normalizePhone('123')).toMatchObject({ ok: false });
    expect(normalizePhone('078-123-4567 内線12')).toMatchObject({ ok: false });
    expect(phoneDigits('+81-78-123-4567')).toBe('0781234567');
  });
});
