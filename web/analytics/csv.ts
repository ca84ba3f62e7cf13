/**
 * Tables as CSV files an analyst opens in a spreadsheet: one row per cell, each dimension as its
 * code and its name, the count (empty when suppressed) and whether it was suppressed. Written by
 * papaparse with formula escaping (a name beginning with = is not run by a spreadsheet) and a
 * byte-order mark so spreadsheet programs read the Japanese as UTF-8.
 */
import Papa from 'papaparse';
import type { StatsTableFragment } from '../gql/graphql';

export const DIMENSION_LABELS: Record<string, string> = {
  ORGANIZATION: '相談先機関',
  TOPIC: '相談分野',
  MONTH: '受付月',
  MUNICIPALITY: '所在地',
  INDUSTRY: '業種',
  CHANNEL: '相談方法',
};

export function statsCsvRows(table: StatsTableFragment): string[][] {
  const header = [
    ...table.groupBy.flatMap((d) => [`${DIMENSION_LABELS[d] ?? d}コード`, DIMENSION_LABELS[d] ?? d]),
    '件数',
    '秘匿',
  ];
  const rows = table.cells.map((c) => [
    ...c.keys.flatMap((k) => [k.value, k.label ?? '']),
    c.count === null ? '' : String(c.count),
    c.suppressed ? 'はい' : 'いいえ',
  ]);
  return [header, ...rows];
}

export function toCsv(rows: string[][]): string {
  return `\uFEFF${Papa.unparse(rows, { escapeFormulae: true, newline: '\r\n' })}\r\n`;
}
