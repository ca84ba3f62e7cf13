import { defaultAnalyser, createSegmenterAnalyser } from './analyser';
import { createThesaurus } from './thesaurus';
import { MAX_QUERY_LENGTH } from './query';
import { DEFAULT_SYNONYMS } from './synonyms';
import { MAX_PLACES, understandQuery } from './understand';

const analyser = defaultAnalyser();
const thesaurus = createThesaurus(analyser);
const understand = (text: string) => understandQuery(text, { analyser, thesaurus, synonyms: DEFAULT_SYNONYMS });
const read = (text: string) => understand(text).interpretation;

describe('places in the text become an area condition', () => {
  test.each([
    ['神戸市で使える補助金はありますか', ['281000']],
    ['豊島区内で創業したい', ['131164']],
    ['兵庫県の補助金', ['280003']],
    ['東京都中央区で開業', ['131024']],
    ['神戸の創業支援', ['281000']],
    ['兵庫県神戸市中央区の融資', ['281107']],
  ])('%s → %j', (text, codes) => {
    const u = understand(text);
    expect(u.places).toEqual(codes);
    // The place is no word to find.
    for (const p of u.interpretation.places) expect(u.interpretation.terms.join()).not.toContain(p.name.slice(0, 2));
  });

  test('names inside other words are no places: 兵庫工業会, 富士通, 東京都立', () => {
    expect(understand('兵庫工業会のセミナー').places).toEqual([]);
    expect(understand('富士通の製品').places).toEqual([]);
  });

  test('a ward name shared by many cities (中央区) is not applied without its city or prefecture', () => {
    const u = understand('中央区で開業したい');
    expect(u.places).toEqual([]);
    expect(u.interpretation.needs).toContain('創業・開業');
  });

  test(`many places: at most ${MAX_PLACES} are applied, the rest listed as dropped`, () => {
    const text = '神戸市 明石市 尼崎市 姫路市 西宮市 芦屋市 伊丹市 豊島区 富士市 補助金';
    const u = understand(text);
    expect(u.places).toHaveLength(MAX_PLACES);
    expect(u.interpretation.dropped).toEqual(expect.arrayContaining(['芦屋市', '富士市']));
    expect(u.interpretation.kinds).toContain('SUBSIDY');
  });
});

describe('sentence endings and function words are dropped', () => {
  test.each([
    ['起業したい', ['たい']],
    ['資金繰りが苦しい', ['が']],
    ['事業承継の相談先を探している', ['の', 'を']],
    ['展示会の補助金はありますか', ['は', 'ます', 'か']],
    ['溶接の講習を受けたいのですが', ['の', 'を', 'たい', 'です', 'が']],
  ])('%s drops %j and keeps the need', (text, grammar) => {
    const i = read(text);
    expect(i.dropped).toEqual(expect.arrayContaining(grammar));
    expect([...i.terms, ...i.needs, ...i.kinds].length).toBeGreaterThan(0);
    for (const g of grammar) expect(i.terms).not.toContain(g);
  });

  test('a sentence without a known need keeps its nouns as words to find, verbs only ranking', () => {
    const u = understand('溶接の講習を受けたい');
    expect(u.interpretation.terms).toContain('溶接');
    expect(u.clauses.find((c) => c.label === '溶接')?.must).toBe(true);
    // 受ける is a generic verb, dropped; 講習 is a kind word, a preference.
    expect(u.interpretation.dropped).toContain('受ける');
    expect(u.interpretation.kinds).toEqual(expect.arrayContaining(['SEMINAR']));
    expect(u.clauses.find((c) => c.label === '講習')?.must).toBe(false);
  });

  test('keywords without endings are searched as typed, and do not match as grammar', () => {
    const u = understand('ＩＴ導入 SPring-8');
    expect(u.interpretation.terms).toEqual(['IT導入', 'SPring-8']);
    expect(u.interpretation.dropped).toEqual([]);
  });

  test('a word in kana alone is kept whole (そうぎょう), not cut by the dictionary into そう + ぎょう', () => {
    expect(read('そうぎょう').terms).toEqual(['そうぎょう']);
    expect(read('れーざー').terms).toEqual(['れーざー']);
    // In kana, a kind word is still that kind.
    expect(read('せみなー').kinds).toContain('SEMINAR');
  });

  test('kind words alone are the search; with other words they only rank', () => {
    const alone = understand('セミナー');
    expect(alone.clauses.filter((c) => c.must)).toHaveLength(1);
    expect(alone.preferredKinds).toEqual(['SEMINAR', 'TRAINING']);
    const withNeed = understand('創業 セミナー');
    expect(withNeed.clauses.find((c) => c.label === 'セミナー')?.must).toBe(false);
    expect(withNeed.clauses.some((c) => c.must)).toBe(true);
  });

  test('a text of generic words only is searched for after all (支援制度), not emptied', () => {
    expect(read('支援制度').terms).toEqual(['支援制度']);
  });
});

describe('a compound of a topic and a need keeps both', () => {
  test.each([
    ['神戸市で創業資金を借りたい', ['創業・開業', '融資・資金調達']],
    ['開業資金が必要です', ['創業・開業', '融資・資金調達']],
    ['創業資金', ['創業・開業', '融資・資金調達']],
    ['創業融資を受けたい', ['創業・開業', '融資・資金調達']],
    ['事業承継資金を借りたい', ['融資・資金調達', '事業承継']],
  ])('%s → %j', (text, needs) => {
    const r = read(text);
    expect(r.needs).toEqual(needs);
    expect(r.dropped.join()).not.toMatch(/創業|開業|資金/);
  });

  test('a compound naming no second need is still one need (資金繰り, 運転資金, 定年退職, 研究開発)', () => {
    expect(read('運転資金が足りなくなりそうです').needs).toEqual(['資金繰り・返済']);
    expect(read('資金繰りが苦しい').needs).toEqual(['資金繰り・返済']);
    // 定年 and 退職 are two phrases of one need (シニア @startup), not one compound phrase.
    expect(read('定年退職後に自分で商売を始めたいシニアです').needs).toEqual(['女性・若者・シニアの起業']);
    // The compound's head names no second need: 研究開発 is R&D, not 商品開発.
    expect(read('大学と共同で研究開発したい').needs).toEqual(['技術相談・試験']);
  });
});

describe('bad and odd input', () => {
  test(`text past ${MAX_QUERY_LENGTH} characters is read up to there (the resolver refuses longer text)`, () => {
    const u = understand('資金繰りが苦しい'.repeat(100));
    expect(u.interpretation.needs).toEqual(['資金繰り・返済']);
  });

  test('pathological kana, symbols and emoji give a bounded reading, not an error', () => {
    for (const text of [
      'ぁ'.repeat(MAX_QUERY_LENGTH),
      'ー'.repeat(MAX_QUERY_LENGTH),
      '🍣'.repeat(100),
      '〜〜〜！？',
      '\u0000\u200b\ufeff',
      'をををを',
    ]) {
      const u = understand(text);
      expect(u.clauses.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
      expect(u.places).toEqual([]);
    }
  });

  test('many words make many clauses, each bounded by the text', () => {
    const text = Array.from({ length: 60 }, (_, i) => `語${i}`).join(' ');
    expect(understand(text).clauses.length).toBeLessThanOrEqual(60);
  });
});

describe('the light analyser (Intl.Segmenter) reads the same needs through stems', () => {
  test('endings are guessed from the script, dictionary forms from stems', () => {
    const light = createSegmenterAnalyser();
    const t = createThesaurus(light);
    const i = understandQuery('店を開きたい', {
      analyser: light,
      thesaurus: t,
      synonyms: DEFAULT_SYNONYMS,
    }).interpretation;
    expect(i.needs).toContain('創業・開業');
    expect(light.analyse('資金繰りが苦しい').every((w) => w.reading === null)).toBe(true);
  });
});
