/**
 * Japanese word analysis for reading a firm's own sentences: which words carry the need (nouns,
 * verbs, adjectives) and which are grammar (particles, auxiliaries, endings), each word's
 * dictionary form (開きたい → 開く) and reading (創業 → そうぎょう).
 *
 * The default is Lindera with IPADIC (lindera-wasm-nodejs-ipadic, a maintained morphological
 * analyser compiled to WebAssembly, dictionary included): it gives parts of speech, dictionary forms
 * and readings. `Intl.Segmenter` (ICU's dictionary word breaking, in Node itself) is the light
 * alternative: words without parts of speech, forms or readings, so grammar is guessed from the
 * script. bench/search.ts measures both on the judged queries; README.md says why Lindera is used.
 *
 * Only query understanding and the suggestion vocabulary use an analyser. What the index stores
 * and what a query looks up are the same bigram tokens (./text), whatever analyser read the query.
 */
import { foldForSearch } from './text';

export type WordClass =
  | 'noun'
  | 'suffix'
  | 'prefix'
  | 'verb'
  | 'adjective'
  | 'adverb'
  | 'grammar'
  | 'symbol'
  | 'unknown';

export interface Word {
  /** As written (after NFKC). */
  surface: string;
  /** Dictionary form (開く for 開き), the surface when unknown. */
  base: string;
  cls: WordClass;
  /** Reading in hiragana, null when the analyser has none. */
  reading: string | null;
}

export interface Analyser {
  readonly name: 'lindera' | 'segmenter';
  /** Words of a text without spaces, in order; their surfaces concatenate to the text. */
  analyse(text: string): Word[];
}

interface LinderaToken {
  surface: string;
  baseForm?: string;
  partOfSpeech?: string;
  partOfSpeechSubcategory1?: string;
  reading?: string;
}

/** Adnominals (連体詞) that say something of the noun they precede, as an adjective would. */
const ADNOMINAL_ADJECTIVES = new Set(['小さな', '大きな']);

/** IPADIC's part of speech → what understanding needs to know of a word. */
function classOf(pos: string | undefined, sub: string | undefined, surface?: string): WordClass {
  switch (pos) {
    case '名詞':
      // の, こと, もの (非自立), これ, 何 (代名詞): grammar, not topics.
      if (sub === '非自立' || sub === '代名詞') return 'grammar';
      if (sub === '接尾') return 'suffix';
      return 'noun';
    case '動詞':
      // いる in 〜ている, れる/させる: part of the ending.
      return sub === '自立' ? 'verb' : 'grammar';
    case '形容詞':
      // ほしい in 〜てほしい.
      return sub === '自立' ? 'adjective' : 'grammar';
    case '副詞':
      return 'adverb';
    case '接頭詞':
      return 'prefix';
    case '記号':
      return 'symbol';
    case '連体詞':
      // 小さな, 大きな describe (小さな商店); この, その, いろんな only point or fill.
      return surface && ADNOMINAL_ADJECTIVES.has(surface) ? 'adjective' : 'grammar';
    case '助詞':
    case '助動詞':
    case '接続詞':
    case '感動詞':
    case 'フィラー':
      return 'grammar';
    default:
      return 'unknown';
  }
}

let lindera: { tokenize(text: string): LinderaToken[] } | null = null;

/** Lindera with IPADIC. The WebAssembly module (13 MB with its dictionary) loads on first use. */
export function createLinderaAnalyser(): Analyser {
  const tokenizer = () => {
    if (!lindera) {
      // Required here, not imported: the 13 MB module compiles on require, and only a search needs it.
      const { TokenizerBuilder } = require('lindera-wasm-nodejs-ipadic') as typeof import('lindera-wasm-nodejs-ipadic');
      const builder = new TokenizerBuilder();
      builder.setDictionary('embedded://ipadic');
      builder.setMode('normal');
      lindera = builder.build();
    }
    return lindera;
  };
  return {
    name: 'lindera',
    analyse(text) {
      if (!text) return [];
      return tokenizer()
        .tokenize(text)
        .map((t) => {
          const known = t.baseForm !== undefined && t.baseForm !== '*';
          return {
            surface: t.surface,
            base: known ? t.baseForm! : t.surface,
            cls: known ? classOf(t.partOfSpeech, t.partOfSpeechSubcategory1, t.surface) : 'unknown',
            reading: t.reading && t.reading !== '*' ? foldForSearch(t.reading) : null,
          };
        });
    },
  };
}

const HIRAGANA_ONLY = /^[\u3041-\u309f]+$/;
const KANJI_THEN_KANA = /^[\u3005\u4e00-\u9fff]+[\u3041-\u309f]+$/;
// Without parts of speech, grammar must be listed: particles, auxiliaries and the endings ICU
// cuts off (したい → した + い).
const GRAMMAR = new Set(
  'を が に で は の と へ も や か な ね よ から まで より ので のに けど けれど って など だけ しか ばかり たい たく たかった ます ません ました です でした だ た て い う よう ない なく なかった れる られる せる させる ある いる おる する し した して しまう いた いて いない いです ほしい ください こと もの ため ところ'.split(
    ' ',
  ),
);

/** ICU's word breaking: listed hiragana words are grammar, kanji with kana verbs, the rest nouns. */
export function createSegmenterAnalyser(): Analyser {
  const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });
  return {
    name: 'segmenter',
    analyse(text) {
      return [...segmenter.segment(text)].map(({ segment, isWordLike }) => ({
        surface: segment,
        base: segment,
        cls: !isWordLike
          ? 'symbol'
          : GRAMMAR.has(segment)
            ? 'grammar'
            : HIRAGANA_ONLY.test(segment)
              ? 'adjective'
              : KANJI_THEN_KANA.test(segment)
                ? 'verb'
                : 'noun',
        reading: null,
      }));
    },
  };
}

let shared: Analyser | null = null;

/** The analyser the product uses. */
export function defaultAnalyser(): Analyser {
  shared ??= createLinderaAnalyser();
  return shared;
}
