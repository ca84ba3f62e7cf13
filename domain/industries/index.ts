/**
 * Industries as agencies write them, resolved to a division (大分類) of the Japan Standard
 * Industrial Classification: the letter (E), the letter with its name (E 製造業), the division's
 * name or either trade of a two-trade division (小売業), any group or class name of the
 * classification (飲食店, 食料品製造業, 食堂，レストラン — jsic-names.json, derived by derive.ts from
 * the ministry's classification), and a few everyday words no official name covers (飲食業, IT).
 */
import table from './jsic-names.json';
import { JSIC_DIVISIONS, type JsicDivision } from '../vocabulary';
import { industryKey } from './key';

export { industryKey } from './key';

const NAMES = new Map<string, JsicDivision>(Object.entries(table.names as Record<string, JsicDivision>));

// Everyday words for a trade that are none of the classification's names. Each names one
// division only; words that span several (農林水産業, 商業) are left to an agency's own `map:`.
const EVERYDAY_WORDS: Record<string, JsicDivision> = {
  農業林業: 'A',
  建築業: 'D',
  土木業: 'D',
  工事業: 'D',
  製造: 'E',
  ものづくり: 'E',
  IT: 'G',
  ICT: 'G',
  IT業: 'G',
  ソフトウェア開発: 'G',
  運送業: 'H',
  物流業: 'H',
  卸売: 'I',
  卸業: 'I',
  小売: 'I',
  小売店: 'I',
  商店: 'I',
  金融: 'J',
  保険: 'J',
  不動産: 'K',
  士業: 'L',
  専門サービス業: 'L',
  宿泊: 'M',
  ホテル: 'M',
  旅館: 'M',
  飲食業: 'M',
  飲食: 'M',
  飲食サービス: 'M',
  理容業: 'N',
  美容業: 'N',
  理美容業: 'N',
  介護: 'P',
  福祉: 'P',
  介護事業: 'P',
  医療: 'P',
  // Shortened division names of forms that list divisions (複合サービス事業 → 複合サービス).
  複合サービス: 'Q',
  その他サービス: 'R',
  その他のサービス: 'R',
  行政サービス: 'S',
  行政サービス等: 'S',
  行政: 'S',
};
for (const [word, letter] of Object.entries(EVERYDAY_WORDS))
  if (!NAMES.has(industryKey(word))) NAMES.set(industryKey(word), letter);

const isDivision = (letter: string): letter is JsicDivision => letter in JSIC_DIVISIONS;

/** The JSIC division a written industry names, or undefined when it names none (or several). */
export function findJsicDivision(text: string): JsicDivision | undefined {
  const v = text.trim();
  // The usual cell of a log is the bare letter: no name lookup needed.
  if (v.length === 1) {
    const letter = v.toUpperCase();
    return isDivision(letter) ? letter : undefined;
  }
  const byName = NAMES.get(industryKey(v)) ?? NAMES.get(industryKey(v).toUpperCase());
  if (byName) return byName;
  // "E 製造業", "E:製造業": a letter followed by anything but another letter.
  const letter = v.charAt(0).toUpperCase();
  return isDivision(letter) && !/[A-Za-z]/.test(v.charAt(1)) ? letter : undefined;
}
