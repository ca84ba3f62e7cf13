/**
 * Names for the codes of consultation statistics (StatsKey.label): an analyst reading a table or
 * a chart sees 明石市産業振興財団, 金融・資金繰り or 2025年4月 rather than akashi-ipf, FINANCE or
 * 2025-04. Organization names come from the directory (a loader); the rest from the vocabularies.
 */
import { getMunicipality } from '../../domain/municipalities';
import { CHANNELS, JSIC_DIVISIONS, SUPPORT_FIELDS } from '../../domain/vocabulary';
import type { StatsDimension } from '../../store/stats';

/** What the record did not say (no municipality or industry recorded). */
export const UNKNOWN_LABEL = '不明';

function own<T extends object>(table: T, key: string): T[keyof T] | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key as keyof T] : undefined;
}

/**
 * The label of a code, or null when the code is not (or no longer) known: at once from the
 * vocabularies, through the directory (a promise) for an organization.
 */
export function statsKeyLabel(
  dimension: StatsDimension,
  value: string,
  organizationName: (id: string) => Promise<string | null>,
): string | null | Promise<string | null> {
  if (value === '') return UNKNOWN_LABEL;
  switch (dimension) {
    case 'ORGANIZATION':
      return organizationName(value);
    case 'TOPIC':
      return own(SUPPORT_FIELDS, value)?.label ?? null;
    case 'CHANNEL':
      return own(CHANNELS, value)?.label ?? null;
    case 'INDUSTRY':
      return own(JSIC_DIVISIONS, value) ?? null;
    case 'MUNICIPALITY':
      return getMunicipality(value)?.name ?? null;
    case 'MONTH': {
      const m = /^(\d{4})-(\d{2})$/.exec(value);
      return m ? `${m[1]}年${Number(m[2])}月` : null;
    }
  }
}
