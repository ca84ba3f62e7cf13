import { amountLabel, groupDigits } from './labels';

describe('amounts', () => {
  test.each([0, 7, 999, 1000, 12345, 1234567, 1000000000, 1.5, 12345.25, 3500])(
    '%p is grouped as ja-JP groups it',
    (n) => {
      expect(groupDigits(n)).toBe(n.toLocaleString('ja-JP'));
    },
  );

  test.each<[string | null, number | null, string | null]>([
    ['2000000', null, '200万円'],
    ['35,000,000', null, '3,500万円'],
    ['150000000', null, '1.5億円'],
    ['12345', null, '12,345円'],
    [null, 1000000000, '10億円'],
    ['上限100万円', 1000000, '上限100万円'],
    [null, null, null],
  ])('%p (amount %p) reads %p', (text, amount, label) => {
    expect(amountLabel(text, amount)).toBe(label);
  });
});
