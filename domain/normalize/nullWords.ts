/** Words that mean "no value" in a date, amount or count cell. */

/**
 * What agencies write in a date, amount or count cell to say there is no such value: always open,
 * all year, until the budget runs out, ask us, unknown, a dash, not decided yet. Such a cell is
 * read as blank (with a warning naming the field), not refused.
 */
export const BUILTIN_NULL_WORDS: readonly string[] = [
  '随時',
  '随時受付',
  '通年',
  '通年受付',
  '常時',
  '予算がなくなり次第終了',
  '予算に達し次第終了',
  '要相談',
  '応相談',
  '不明',
  '未定',
  '調整中',
  '-',
  '－',
  '―',
  '—',
  'ー',
];

/** How null words are compared: NFKC, without spaces, brackets and closing punctuation. */
export const nullWordKey = (s: string): string => s.normalize('NFKC').replace(/[\s()（）「」【】。.、]/g, '');

export function createNullWordTest(words: readonly string[]): (cell: string) => boolean {
  const keys = new Set(words.map(nullWordKey).filter((k) => k !== ''));
  // "-" alone folds to itself; a cell of only brackets or spaces is blank, not a null word.
  return (cell) => {
    const key = nullWordKey(cell);
    return key !== '' && keys.has(key);
  };
}

export const builtinNullWord = createNullWordTest(BUILTIN_NULL_WORDS);
