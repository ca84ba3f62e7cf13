import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bigramKey,
  foldForSearch,
  foldWithOffsets,
  forEachToken,
  queryTokensOf,
  TokenBuffer,
  tokensOf,
  unigramKey,
  type Token,
} from './text';
import { parseQuery } from './query';
import { createSynonymDictionary, DEFAULT_SYNONYMS, segmentTerm } from './synonyms';
import synonymFile from './synonyms.json';

const code = (s: string) => s.charCodeAt(0);

describe('foldForSearch', () => {
  test.each([
    ['ｽﾀｰﾄｱｯﾌﾟ', 'すたーとあっぷ'],
    ['スタートアップ', 'すたーとあっぷ'],
    ['ＩＴ導入', 'it導入'],
    ['セミナー', 'せみな'],
    ['せみなー', 'せみな'],
    ['ｾﾐﾅｰ・イベント', 'せみな・いべんと'],
    ['3Dプリンター', '3dぷりんた'],
    ['スーパー', 'すーぱ'],
    ['  創業　 融資 ', '創業 融資'],
  ])('%s → %s', (input, folded) => {
    expect(foldForSearch(input)).toBe(folded);
  });
});

describe('tokens', () => {
  test('kana and kanji runs give bigrams, kanji also unigrams, Latin runs whole words', () => {
    const tokens = tokensOf(foldForSearch('IT化で創業'));
    expect(tokens).toEqual([
      'it',
      unigramKey(code('化')),
      bigramKey(code('化'), code('で')),
      bigramKey(code('で'), code('創')),
      unigramKey(code('創')),
      bigramKey(code('創'), code('業')),
      unigramKey(code('業')),
    ]);
  });

  test('punctuation splits runs; a one-character run is a unigram', () => {
    expect(tokensOf(foldForSearch('県・市'))).toEqual([unigramKey(code('県')), unigramKey(code('市'))]);
  });

  test('query tokens of a word are its bigrams only; of one character, its unigram', () => {
    expect(queryTokensOf('創業')).toEqual([bigramKey(code('創'), code('業'))]);
    expect(queryTokensOf('塾')).toEqual([unigramKey(code('塾'))]);
    expect(queryTokensOf('dx推進')).toEqual(['dx', bigramKey(code('推'), code('進'))]);
  });

  test('half-width, full-width, hiragana and katakana spellings give the same tokens', () => {
    const t = (s: string) => queryTokensOf(foldForSearch(s));
    expect(t('ｽﾀｰﾄｱｯﾌﾟ')).toEqual(t('スタートアップ'));
    expect(t('せみなー')).toEqual(t('セミナー'));
    expect(t('ＩＴ')).toEqual(t('it'));
  });

  test('the fast document tokenizer gives exactly the tokens of foldForSearch + forEachToken', () => {
    const files = join(__dirname, '..', '..', '..', 'demo', 'files');
    const texts = readdirSync(files, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.csv'))
      .flatMap((f) => readFileSync(join(files, f), 'utf8').split('\n'));
    texts.push(
      'ｾﾐﾅｰ・イベント',
      'センターに',
      'スーパー',
      'ーー',
      'A ー B',
      'ＩＴ化 と ＤＸ',
      '創\u200b業',
      'ヴァイオリン',
      'ｶﾞｷﾞｸﾞｹﾞｺﾞ',
      'Ｍ＆Ａ',
      '〆切 々 〇',
    );
    const buffer = new TokenBuffer();
    for (const text of texts) {
      const slow: Token[] = [];
      forEachToken(foldForSearch(text), (t) => slow.push(t));
      buffer.reset();
      buffer.addText(text);
      const fast = [...buffer.keys.subarray(0, buffer.count)];
      expect({ text, tokens: [...fast, ...buffer.words].sort() }).toEqual({ text, tokens: [...slow].sort() });
    }
  });

  test('foldWithOffsets maps folded characters back to the original', () => {
    const { folded, offsets, text } = foldWithOffsets('ｾﾐﾅｰ開催');
    expect(text).toBe('セミナー開催');
    expect(folded).toBe('せみな開催');
    expect(offsets).toEqual([0, 1, 2, 4, 5]);
  });
});

describe('synonyms', () => {
  test('the list holds at least 15 groups, including the ones the issue names', () => {
    const groups = (synonymFile as { groups: string[][] }).groups;
    expect(groups.length).toBeGreaterThanOrEqual(15);
    const together = (...words: string[]) => groups.some((g) => words.every((w) => g.includes(w)));
    expect(together('創業', '起業', 'スタートアップ', '開業')).toBe(true);
    expect(together('販路拡大', '販路開拓', '販売促進')).toBe(true);
    expect(together('資金繰り', '融資', '資金調達')).toBe(true);
    expect(together('事業承継', '後継者', '事業引継ぎ')).toBe(true);
    expect(together('知財', '知的財産', '特許')).toBe(true);
    expect(together('DX', 'デジタル化', 'IT化')).toBe(true);
    expect(together('人材', '雇用', '採用')).toBe(true);
    expect(together('海外展開', '輸出')).toBe(true);
  });

  test('a term is cut at the longest dictionary words', () => {
    const parts = segmentTerm(foldForSearch('創業融資の相談'), DEFAULT_SYNONYMS);
    expect(parts.map((p) => (p.kind === 'synonym' ? `[${p.word}]` : p.text))).toEqual(['[創業]', '[融資]', 'の相談']);
    expect(segmentTerm('販路開拓', DEFAULT_SYNONYMS)).toEqual([
      expect.objectContaining({ kind: 'synonym', word: '販路開拓' }),
    ]);
  });

  test('Latin dictionary words only match as whole words', () => {
    const dictionary = createSynonymDictionary([['IT', 'DX']]);
    expect(segmentTerm('it導入', dictionary)[0]).toEqual(expect.objectContaining({ kind: 'synonym', word: 'it' }));
    expect(segmentTerm('kit', dictionary)).toEqual([{ kind: 'plain', text: 'kit' }]);
  });
});

describe('parseQuery', () => {
  test('every term must match; a synonym group is one clause with the word typed first', () => {
    const q = parseQuery('ｽﾀｰﾄｱｯﾌﾟ 融資');
    expect(q.clauses).toHaveLength(2);
    expect(q.clauses.every((c) => c.must)).toBe(true);
    expect(q.clauses[0].alternatives[0]).toEqual(expect.objectContaining({ text: 'すたーとあっぷ', weight: 1 }));
    expect(q.clauses[0].alternatives.map((a) => a.text)).toEqual(expect.arrayContaining(['創業', '起業', '開業']));
    expect(q.clauses[0].alternatives.slice(1).every((a) => a.weight < 1)).toBe(true);
  });

  test('hiragana-only parts next to other words are optional', () => {
    const q = parseQuery('ものづくり補助金');
    expect(q.clauses.map((c) => [c.alternatives[0].text, c.must])).toEqual([
      ['ものづくり', false],
      ['補助金', true],
    ]);
    expect(parseQuery('せみなー').clauses[0].must).toBe(true);
  });

  test('empty and punctuation-only text has no clauses', () => {
    expect(parseQuery('').clauses).toEqual([]);
    expect(parseQuery(' 、・ ').clauses).toEqual([]);
  });
});
