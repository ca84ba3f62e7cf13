/**
 * The id rule agency:init proposes, in order of preference: a column of unique identifiers (its
 * own numbers prefixed with the agency's id for organizations), an id derived from a column of
 * unique URLs or values, else the fewest columns whose values together tell the rows apart.
 */
import { ID_FIELD } from '../core/fields';
import { hashId } from '../core/mapping';
import { IDENTIFIER } from '../core/parsers';
import type { EntityKind } from '../../domain/records';
import { isLgCode, isUrl, type ColumnStats } from './columns';
import { HEADER_WORDS, headerScore } from './headers';
import type { ProposedField } from './types';

function duplicates(keys: string[]): number {
  const seen = new Set<string>();
  let d = 0;
  for (const k of keys) {
    if (seen.has(k)) d++;
    else seen.add(k);
  }
  return d;
}

/**
 * Whether a column of unique values holds this file's own numbers (row numbers, zero-padded or not,
 * as the standard open-data sets write `0000000001`, or the agency's own codes such as 施設コード
 * 1001): digits, up to 12 of them. A 13-digit 法人番号 names a body nationwide and stays as it is.
 */
function localNumbers(s: ColumnStats): boolean {
  for (const v of s.distinct.keys()) if (!/^\d{1,12}$/.test(v)) return false;
  return true;
}

export function proposeId(
  entity: EntityKind,
  stats: ColumnStats[],
  rows: number,
  taken: Map<string, string>,
  agencyId?: string,
): ProposedField {
  const field = ID_FIELD[entity];
  const words = HEADER_WORDS[entity][field] ?? [];
  const full = stats.filter((s) => s.nonEmpty === rows && rows > 0);
  // 1. A column of unique identifiers.
  const own = full
    .filter(
      (s) => s.distinct.size === rows && [...s.distinct.keys()].every((v) => IDENTIFIER.test(v) && v.length <= 64),
    )
    .sort((a, b) => headerScore(b.col.name, words) - headerScore(a.col.name, words));
  if (own.length > 0 && (headerScore(own[0].col.name, words) > 0 || own[0].avgLength <= 20)) {
    // Organization ids are shared by every agency (programmes' are scoped to theirs): a file that
    // numbers its rows 1, 2, 3 would clash with the next directory that does the same.
    if (entity === 'organization' && agencyId && localNumbers(own[0])) {
      return {
        field,
        entry: { template: `${agencyId}-{${own[0].col.name}}` },
        notes: [
          `id: "${own[0].col.name}" numbers this file's rows or bodies: prefixed with the agency's id, as organization ids are shared by every agency`,
        ],
      };
    }
    return {
      field,
      entry: own[0].col.name,
      notes: [`id: "${own[0].col.name}" holds a unique identifier in every row`],
    };
  }
  // 2. A column of unique values that are not identifiers themselves (URLs, titles): derived.
  const unique = full
    .filter((s) => s.distinct.size === rows)
    .sort((a, b) => Number(b.share(isUrl) > 0.9) - Number(a.share(isUrl) > 0.9) || a.avgLength - b.avgLength);
  if (unique.length > 0 && unique[0].share(isUrl) > 0.9) {
    return {
      field,
      entry: { from: unique[0].col.name },
      notes: [
        `id: derived from "${unique[0].col.name}", unique in every row (a URL's host with a hash of it, stable from one sync to the next)`,
      ],
    };
  }
  // 3. The fewest columns whose values together tell the rows apart.
  const keyish = stats
    .filter((s) => s.nonEmpty >= rows * 0.5 && s.distinct.size > 1)
    .sort((a, b) => {
      // URLs and codes make stabler ids than titles, which agencies reword.
      const named = (x: ColumnStats) => ['title', 'name', 'providerName'].includes(taken.get(x.key) ?? '');
      const rank = (x: ColumnStats) => (x.share(isUrl) > 0.9 ? 0 : x.share(isLgCode) > 0.9 ? 1 : named(x) ? 2 : 3);
      return rank(a) - rank(b) || b.distinct.size - a.distinct.size;
    })
    .slice(0, 7);
  // Rows that repeat another row in every column can never be told apart: they are duplicates.
  const exact = duplicates(Array.from({ length: rows }, (_, r) => stats.map((s) => s.col.values[r]).join('\u001f')));
  let best: { cols: ColumnStats[]; dups: number } | null = null;
  const combos: ColumnStats[][] = [];
  const grow = (from: number, cols: ColumnStats[]) => {
    for (let i = from; i < keyish.length; i++) {
      const next = [...cols, keyish[i]];
      combos.push(next);
      if (next.length < 4) grow(i + 1, next);
    }
  };
  grow(0, []);
  combos.sort((a, b) => a.length - b.length);
  // The fewest repeats; then the fewest columns; then URLs, codes and titles before the rest.
  const rankSum = (cols: ColumnStats[]) => cols.reduce((n, c) => n + keyish.indexOf(c), 0);
  for (const cols of combos) {
    if (best && best.dups === exact && cols.length > best.cols.length) break;
    const ids = Array.from({ length: rows }, (_, r) => hashId(cols.map((c) => c.col.values[r])));
    const dups = duplicates(ids.filter(Boolean)) + ids.filter((x) => !x).length;
    if (
      !best ||
      dups < best.dups ||
      (dups === best.dups && cols.length === best.cols.length && rankSum(cols) < rankSum(best.cols))
    )
      best = { cols, dups };
  }

  if (best && best.cols.length === 1 && best.dups === 0) {
    return {
      field,
      entry: { from: best.cols[0].col.name },
      notes: [`id: derived from "${best.cols[0].col.name}", unique in every row`],
    };
  }
  if (best) {
    const names = best.cols.map((c) => c.col.name);
    const notes = [
      `id: no column is a unique key; ${names.map((n) => `"${n}"`).join(' + ')} together tell the rows apart`,
    ];
    if (best.dups > 0)
      notes.push(
        `unsure: ${best.dups} row(s) still share an id with another and will be refused as repeats${exact > 0 ? ` (${exact} of them repeat another row in every column)` : ''}`,
      );
    return { field, entry: { hash: names }, notes };
  }
  return {
    field,
    entry: { value: '' },
    notes: ['unsure: no column could identify the rows; give the id rule yourself'],
  };
}
