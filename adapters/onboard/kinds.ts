/**
 * The kind of a programme or a body from the words of its title or name, for sources without a
 * kind column, and the agency's own kind from its name: the last kind word outside brackets
 * wins, as the head of a Japanese compound comes last.
 */
import {
  createVocabularyLookup,
  ORGANIZATION_KINDS,
  PROGRAM_KINDS,
  type OrganizationKindCode,
} from '../../domain/vocabulary';
import { normalizeText } from '../../domain/normalize';
import { findMunicipalityByName } from '../../domain/municipalities';
import type { ColumnStats } from './columns';
import type { ProposedField } from './types';

export const OTHER = PROGRAM_KINDS.OTHER.label;

// Words in a title that say what kind of programme it is, longer ones first where one contains
// another. The last one outside brackets wins: in Japanese the head of a compound comes last
// (融資支援補助金 is a subsidy), and brackets only qualify (緊急資金(セーフティネット保証4号)).
// Longer words first: at one position the first alternative that matches wins (補助金 before 補助).
// Public bodies' lists often end a name in the bare verb noun: 〜運営費補助, 〜家賃助成, 利子補給金.
const KIND_WORDS = [
  '補助金',
  '補給金',
  '補助',
  '助成金',
  '助成',
  '給付金',
  '奨励金',
  '支援金',
  '協力金',
  '応援金',
  '交付金',
  '融資',
  '資金',
  '貸付',
  '保証',
  'セミナー',
  '説明会',
  '講習会',
  '研修',
  '講座',
  '商談会',
  '相談会',
  '相談',
  '専門家派遣',
  '派遣',
  '認定',
  'マッチング',
];
export const KIND_PATTERN = `.*(${KIND_WORDS.join('|')})(?![^(（]*[)）])`;

const kindLookup = createVocabularyLookup(PROGRAM_KINDS);

/** The programme kind a category value names: its own entry, else the vocabulary word it holds last. */
export function kindOf(value: string): string | undefined {
  const direct = kindLookup(value);
  if (direct) return PROGRAM_KINDS[direct].label;
  const m = new RegExp(KIND_PATTERN, 'u').exec(value.normalize('NFKC'));
  const code = m ? kindLookup(m[1]) : undefined;
  return code ? PROGRAM_KINDS[code].label : undefined;
}

// Words in an organization's name that say what kind of body it is, by the same rule (the last
// outside brackets wins: 〇〇商工会議所 青年部 is still a chamber). Only words that name one kind
// unambiguously: a bare 支援センター may be a child-rearing centre, so it names none.
export const ORGANIZATION_KIND_WORDS: Record<string, OrganizationKindCode> = {
  商工会議所: 'CHAMBER_OF_COMMERCE',
  商工会: 'SOCIETY_OF_COMMERCE',
  信用保証協会: 'CREDIT_GUARANTEE_CORPORATION',
  信用金庫: 'SHINKIN_BANK',
  中小企業団体中央会: 'SME_FEDERATION',
  よろず支援拠点: 'SUPPORT_CENTER',
  中小企業支援センター: 'SUPPORT_CENTER',
  産業支援センター: 'SUPPORT_CENTER',
  産業振興財団: 'INDUSTRY_PROMOTION_FOUNDATION',
  産業振興機構: 'INDUSTRY_PROMOTION_FOUNDATION',
  産業技術センター: 'PUBLIC_RESEARCH_INSTITUTE',
  工業技術センター: 'PUBLIC_RESEARCH_INSTITUTE',
  工業試験場: 'PUBLIC_RESEARCH_INSTITUTE',
  工業会: 'INDUSTRY_ASSOCIATION',
  ハローワーク: 'EMPLOYMENT_BODY',
  公共職業安定所: 'EMPLOYMENT_BODY',
  職業能力開発: 'EMPLOYMENT_BODY',
  市役所: 'LOCAL_GOVERNMENT',
  区役所: 'LOCAL_GOVERNMENT',
  町役場: 'LOCAL_GOVERNMENT',
  村役場: 'LOCAL_GOVERNMENT',
};
export const ORGANIZATION_KIND_PATTERN = `.*(${Object.keys(ORGANIZATION_KIND_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|')})(?![^(（]*[)）])`;

/**
 * What the agency's own name says about it: a prefecture or municipality named alone is a local
 * government (自治体) of that code; a name ending in a kind word (〇〇信用保証協会) is that kind;
 * anything else その他, for the agency to correct.
 */
export function agencyKindOf(name: string): { kind: string; municipality?: string } {
  const place = findMunicipalityByName(name);
  if (place && normalizeText(name) === place.name)
    return { kind: ORGANIZATION_KINDS.LOCAL_GOVERNMENT.label, municipality: place.code };
  const word = organizationKindWord(name);
  return { kind: word ? ORGANIZATION_KINDS[ORGANIZATION_KIND_WORDS[word]].label : OTHER };
}

/** The kind word an organization's name ends in, by the rule of ORGANIZATION_KIND_PATTERN. */
export function organizationKindWord(name: string): string | undefined {
  return new RegExp(ORGANIZATION_KIND_PATTERN, 'u').exec(name.normalize('NFKC'))?.[1];
}

/**
 * The kind of rows in a source without a kind column, from the word each row's name or title holds
 * (`wordOf`): where at least 5 % of rows name one, a pattern rule mapping each word found to its
 * kind (`labelOf`); else その他 for every row.
 */
export function kindFromNames(
  column: { stats: ColumnStats } | undefined,
  pattern: string,
  wordOf: (value: string) => string | undefined,
  labelOf: (word: string) => string,
  notes: { named: (percent: number) => string; none: string },
): ProposedField {
  const named = column ? column.stats.share((v) => wordOf(v) !== undefined) : 0;
  if (!column || named < 0.05) return { field: 'kind', entry: { value: OTHER }, notes: [notes.none] };
  const found = new Set<string>();
  for (const v of column.stats.distinct.keys()) {
    const word = wordOf(v);
    if (word) found.add(word);
  }
  const map = Object.fromEntries([...found].sort().map((w) => [w, labelOf(w)]));
  return {
    field: 'kind',
    entry: { column: column.stats.col.name, pattern, map, default: OTHER },
    notes: [notes.named(Math.round(named * 100))],
  };
}
