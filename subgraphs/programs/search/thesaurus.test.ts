import { defaultAnalyser } from './analyser';
import { createThesaurus, keyOf, NEED_ENTRIES } from './thesaurus';
import { DEFAULT_SYNONYMS } from './synonyms';
import { understandQuery } from './understand';

const analyser = defaultAnalyser();
const thesaurus = createThesaurus(analyser);
const interpretationOf = (text: string) =>
  understandQuery(text, { analyser, thesaurus, synonyms: DEFAULT_SYNONYMS }).interpretation;
const needsOf = (text: string) => interpretationOf(text).needs;
/** Needs, and who the firm is for the entries that say so. */
const readingsOf = (text: string) => {
  const i = interpretationOf(text);
  return [...i.needs, ...i.firm];
};

// The topics the issue asks the thesaurus to cover, each by an everyday phrase.
const REQUIRED: Array<[string, string]> = [
  ['店を開きたい', '創業・開業'],
  ['借入の返済がきつい', '資金繰り・返済'],
  ['後を継ぐ人がいない', '事業承継'],
  ['英語のサイトを作りたい', '外国語のウェブサイト'],
  ['人手が足りない', '雇用・人材確保'],
  ['機械を入れたい', '設備投資'],
  ['災害に備えたい', '防災・BCP'],
  ['販路を広げたい', '販路開拓・売上'],
  ['新しい商品を開発したい', '商品開発'],
  ['業態転換を考えている', '事業再構築・新分野'],
  ['省力化したい', '省力化・生産性向上'],
  ['取引先に値上げをお願いしたい', '値上げ・価格転嫁'],
  ['廃業を考えている', '廃業・再チャレンジ'],
  ['もう一度やり直したい', '廃業・再チャレンジ'],
  ['女性の起業を応援してほしい', '女性・若者・シニアの起業'],
  ['学生ですが起業したい', '女性・若者・シニアの起業'],
  ['シニアですが店を始めたい', '女性・若者・シニアの起業'],
  ['農家と組んで商品を作りたい', '農商工連携・地域資源'],
  ['インボイスに対応したい', 'インボイス・税務'],
  ['脱炭素に取り組みたい', '脱炭素・省エネ'],
];

describe('needs thesaurus (needs.json): every entry reads its examples and not its counter-examples', () => {
  test.each(NEED_ENTRIES.map((e) => [e.id, e] as const))('%s', (_, entry) => {
    expect(entry.examples.length).toBeGreaterThan(0);
    expect(entry.notExamples.length).toBeGreaterThan(0);
    for (const example of entry.examples)
      expect({ example, needs: readingsOf(example) }).toEqual({
        example,
        needs: expect.arrayContaining([entry.label]),
      });
    for (const counter of entry.notExamples)
      expect({ counter, needs: readingsOf(counter) }).toEqual({
        counter,
        needs: expect.not.arrayContaining([entry.label]),
      });
  });

  test.each(REQUIRED)('%s reads as %s', (text, label) => {
    expect(needsOf(text)).toContain(label);
  });

  test('words are compared in dictionary form, whatever the ending', () => {
    for (const text of ['お店を開こうと思っています', '店を開いた', '店を開けば', '店を開きます'])
      expect(needsOf(text)).toContain('創業・開業');
    // 開発 is not 開く: the stem is compared for verbs only.
    expect(needsOf('開発費がほしい')).not.toContain('創業・開業');
  });

  test('a word serves one need: the longer reading wins (海外に売る is 海外展開, not also 販路)', () => {
    expect(needsOf('海外に売りたい')).toEqual(['海外展開']);
    // Two needs in one sentence are both read.
    expect(needsOf('起業したいが資金が足りない')).toEqual(expect.arrayContaining(['創業・開業', '資金繰り・返済']));
  });

  test('an @need phrase needs that need: シニア alone is no start-up', () => {
    expect(needsOf('シニアの社員を雇いたい')).not.toContain('女性・若者・シニアの起業');
  });

  test('a data file naming an unknown need, field or kind fails at start, naming the entry', () => {
    const bad = { ...NEED_ENTRIES[0], id: 'bad', phrases: ['店 @nowhere'] };
    expect(() => createThesaurus(analyser, [bad])).toThrow(/need bad: phrase 店 @nowhere refers to nowhere/);
    expect(() => createThesaurus(analyser, [{ ...NEED_ENTRIES[0], id: 'bad2', supportFields: ['CASH'] }])).toThrow(
      /need bad2: unknown support field CASH/,
    );
  });

  test('grammar has no key; verbs are keyed by their stem', () => {
    const [open, ending] = analyser.analyse('開きたい');
    expect(keyOf(open)).toBe('開');
    expect(keyOf(ending)).toBeNull();
  });
});
