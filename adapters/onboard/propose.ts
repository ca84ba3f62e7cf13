/**
 * From a sampled source to a mapping: which column feeds which field of the common schema, with
 * the options each needs (split, html, nullWords, map/default, pattern), the id strategy and why,
 * and a note for every column left out. Every proposal is tried on every row with the sync's own
 * mapper, and no column is traded for rows: a column that is the field stays mapped whatever a
 * few of its cells hold; those rows are refused (required, identifying and period fields) or land
 * without the value with a warning (`invalid: null`, optional fields), and the proposal says which
 * and how many. Only a column most of whose cells the field cannot read is left out, as holding
 * something else.
 */
import { ENTITY_FIELDS, ID_FIELD, NULLABLE, refusalReason, type FieldSpec } from '../core/fields';
import { columnKey, ruleColumns, type MappingRule } from '../core/mapping';
import { looksLikeHtml } from '../core/parsers';
import { mapRecord } from '../core/record';
import { createVocabularyLookup, ORGANIZATION_KINDS, PROGRAM_KINDS, SUPPORT_FIELDS } from '../../domain/vocabulary';
import { findJsicDivision } from '../../domain/industries';
import { normalizeText, splitMulti, BUILTIN_NULL_WORDS, createNullWordTest } from '../../domain/normalize';
import { findMunicipalityByName, getMunicipality, municipalityOfAddress } from '../../domain/municipalities';
import type { EntityKind, RowRejection } from '../../domain/records';
import { contentScore, PREFECTURES, SEPARATORS, statsOf, type ColumnStats } from './columns';
import { HEADER_WORDS, headerScore } from './headers';
import { proposeId } from './ids';
import {
  KIND_PATTERN,
  kindFromNames,
  kindOf,
  ORGANIZATION_KIND_PATTERN,
  ORGANIZATION_KIND_WORDS,
  organizationKindWord,
  OTHER,
} from './kinds';
import type { Sample } from './sample';
import type { CellProblem, Proposal, ProposedField } from './types';

/** Share of a column's filled cells a field may fail to read before the column is taken to hold something else. */
const MISMATCH_SHARE = 0.5;
const MAX_MAP_VALUES = 120;

// ---------------------------------------------------------------------------------------------
// Field proposals, each checked against the column's values
// ---------------------------------------------------------------------------------------------

interface Candidate {
  field: string;
  stats: ColumnStats;
  score: number;
  entry: MappingRule;
  notes: string[];
}

function vocabularyMap(
  spec: FieldSpec,
  field: string,
  values: string[],
): { map: Record<string, string | null>; notes: string[] } | null {
  if (values.length > MAX_MAP_VALUES) return null;
  const map: Record<string, string | null> = {};
  const unsure: string[] = [];
  const lookup = spec.vocabulary ? createVocabularyLookup(spec.vocabulary) : null;
  for (const v of values) {
    if (spec.type === 'industry' || spec.type === 'industries') {
      const letter = findJsicDivision(v);
      map[v] = letter ? letter : null;
      if (!letter) unsure.push(v);
    } else if (field === 'kind' && spec.vocabulary === PROGRAM_KINDS) {
      const label = kindOf(v);
      map[v] = label ?? OTHER;
      if (!label) unsure.push(v);
    } else if (lookup) {
      const code = lookup(v);
      map[v] = code ? spec.vocabulary![code as string].label : null;
      if (!code) unsure.push(v);
    }
  }
  const notes = unsure.length
    ? [
        `unsure: ${unsure
          .slice(0, 8)
          .map((u) => `"${u}"`)
          .join(
            ', ',
          )}${unsure.length > 8 ? ` and ${unsure.length - 8} more` : ''} ${spec.type === 'industry' || spec.type === 'industries' ? 'name no JSIC division (read as blank)' : field === 'kind' ? `name no programme kind (read as ${OTHER})` : 'are not in the vocabulary (read as blank)'}: correct the map where you know better`,
      ]
    : [];
  return { map, notes };
}

function proposeFor(
  field: string,
  spec: FieldSpec,
  s: ColumnStats,
  rows: number,
): Omit<Candidate, 'score' | 'field' | 'stats'> | null {
  const column = s.col.name;
  const values = [...s.distinct.keys()];
  const notes: string[] = [];
  const entry: MappingRule = { column };
  switch (spec.type) {
    case 'text': {
      if (field === 'title' || field === 'name') {
        if (s.nonEmpty < rows * 0.95 || s.avgLength < 3) return null;
      }
      if (s.col.values.some(looksLikeHtml)) entry.html = true;
      return { entry, notes };
    }
    case 'multiline':
      // A body or a summary is prose, not a category or a code.
      if ((field === 'body' && s.avgLength < 20) || (field === 'summary' && s.avgLength < 10)) return null;
      return { entry, notes };
    case 'list': {
      // Purposes and networks are categories: a handful of short items, not free keywords.
      const items = new Set(s.col.values.flatMap((v) => splitMulti(v, s.separator ? [s.separator] : undefined)));
      if (items.size > MAX_MAP_VALUES || [...items].some((i) => i.length > 40)) return null;
      if (s.separator) entry.split = [s.separator];
      if (s.col.values.some(looksLikeHtml)) entry.html = true;
      return { entry, notes };
    }
    case 'vocabulary':
    case 'industry': {
      // One value per cell: a column of long or multi-valued texts is no vocabulary.
      if (s.separator && spec.type === 'vocabulary' && field !== 'kind') return null;
      if (s.avgLength > 30 || values.length > MAX_MAP_VALUES) return null;
      const vm = vocabularyMap(spec, field, values);
      if (!vm) return null;
      if (field === 'kind' && Object.values(vm.map).filter((v) => v !== OTHER).length === 0) return null;
      entry.map = vm.map;
      // A required kind falls back to その他; other required vocabularies (channel) refuse what
      // they do not know; optional ones read it as blank.
      if (field === 'kind') entry.default = OTHER;
      else if (!spec.required) entry.default = null;
      return { entry, notes: vm.notes };
    }
    case 'vocabularyList':
    case 'industries': {
      // The separators whose items the vocabulary knows best: 「卸売、小売, 宿泊、飲食サービス」 splits
      // on both the comma and 、, where a name such as 金融・資金繰り must not split on ・.
      let best: {
        split: string[] | undefined;
        items: string[];
        known: number;
        vm: NonNullable<ReturnType<typeof vocabularyMap>>;
      } | null = null;
      for (const split of separatorChoices(s)) {
        const items = [...new Set(s.col.values.flatMap((v) => splitMulti(v, split)))];
        const vm = vocabularyMap(spec, field, items);
        if (!vm) continue;
        const known = Object.values(vm.map).filter((v) => v !== null).length / Math.max(1, items.length);
        if (!best || known > best.known + 0.001) best = { split, items, known, vm };
      }
      if (!best || best.known < 0.3) return null;
      if (best.split) entry.split = best.split;
      entry.map = best.vm.map;
      entry.default = null;
      return { entry, notes: best.vm.notes };
    }
    case 'id':
      return null;
    default:
      return { entry, notes };
  }
}

/** Ways to split a multi-valued column: each separator it uses, every pair of them, and the defaults. */
function separatorChoices(s: ColumnStats): Array<string[] | undefined> {
  const used = SEPARATORS.filter((sep) => s.col.values.filter((v) => v.includes(sep)).length >= 2);
  const choices: Array<string[] | undefined> = [undefined, ...used.map((u) => [u])];
  for (let i = 0; i < used.length; i++) for (let j = i + 1; j < used.length; j++) choices.push([used[i], used[j]]);
  return choices;
}

/**
 * Tries one field's rule on every distinct value of its column: the rows it would refuse (with
 * the first few values, where they occur and why), and null words to add.
 */
function tryField(
  entity: EntityKind,
  field: string,
  entry: MappingRule,
  s: ColumnStats,
  rowNumbers: readonly number[],
): { refused: number; examples: CellProblem[]; nullWords: string[] } {
  const mapping = { [field]: entry };
  const raw: Record<string, string> = {};
  let refused = 0;
  const examples: CellProblem[] = [];
  const words: string[] = [];
  const isBuiltin = createNullWordTest(BUILTIN_NULL_WORDS);
  for (const [value, count] of s.distinct) {
    raw[s.key] = value;
    const r = mapRecord(entity, mapping, raw, 0, 'init');
    // Only this field's own problems count: the other required fields are not mapped in the trial.
    const label = entry.column ?? field;
    const own = r.ok
      ? []
      : [r.rejection, ...(r.rejection.reasons ?? [])].filter(
          (p) => p.field === label && !(p.reason.startsWith('required ') && !p.reason.startsWith(`required ${field} `)),
        );
    if (own.length === 0) continue;
    // A word without digits in a date, amount or count column says "no value" (随時, 未定 …).
    if (!/\d/.test(value) && value.length <= 20 && !isBuiltin(value)) words.push(value);
    else {
      refused += count;
      if (examples.length < 3) {
        const at = s.col.values.findIndex((v) => normalizeText(v) === value);
        examples.push({ row: rowNumbers[at] ?? at + 1, value, reason: own[0].reason });
      }
    }
  }
  return { refused, examples, nullWords: words };
}

const describeExamples = (examples: CellProblem[]): string =>
  examples.map((e) => `row ${e.row} ${JSON.stringify(e.value)}: ${e.reason}`).join('; ');

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

/**
 * A directory's code column may name the body that publishes the file rather than where each body
 * is: the standard open-data sets (公共施設一覧 and the like) begin every row with the publisher's
 * 都道府県コード又は市区町村コード. Such a column holds one code on (nearly) every row while the
 * addresses name several other municipalities: it is left out, and a sync reads each municipality
 * from its address. A column of each body's own code varies with the rows, and is kept.
 */
function publisherCodeAside(
  byField: Map<string, Candidate>,
  taken: Map<string, string>,
  dropped: Array<{ column: string; note: string }>,
  rows: number,
): void {
  const code = byField.get('municipalityCode');
  const address = byField.get('address');
  if (!code || !address) return;
  const values = code.stats.col.values.map((v) => normalizeText(v ?? ''));
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  const [top, topCount] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  if (topCount < code.stats.nonEmpty * 0.9) return;
  const publisher = getMunicipality(top) ?? findMunicipalityByName(top);
  let compared = 0;
  const elsewhere = new Set<string>();
  address.stats.col.values.forEach((a) => {
    const fromAddress = municipalityOfAddress(a ?? '');
    if (!fromAddress) return;
    compared++;
    if (!publisher || fromAddress !== publisher.code) elsewhere.add(fromAddress);
  });
  if (compared < Math.max(3, rows * 0.5) || elsewhere.size < 2) return;
  byField.delete('municipalityCode');
  taken.delete(code.stats.key);
  dropped.push({
    column: code.stats.col.name,
    note: `not mapped to municipalityCode: it holds ${JSON.stringify(top)} on ${topCount} of ${rows} rows while "${address.stats.col.name}" names ${elsewhere.size} municipalities (the body publishing the file, as the standard open-data sets write it); a sync reads each municipality from its address`,
  });
}

// ---------------------------------------------------------------------------------------------
// The proposal
// ---------------------------------------------------------------------------------------------

export function propose(sample: Sample, entity: EntityKind, agencyId?: string): Proposal {
  const specs = ENTITY_FIELDS[entity];
  const rows = sample.rows;
  const stats = sample.columns.map(statsOf);
  const candidates: Candidate[] = [];
  for (const [field, spec] of Object.entries(specs)) {
    if (spec.defaultFromAgency || spec.type === 'id') continue;
    const words = HEADER_WORDS[entity][field] ?? [];
    for (const s of stats) {
      if (s.nonEmpty === 0) continue;
      const score = Math.max(headerScore(s.col.name, words), contentScore(field, s));
      if (score <= 0) continue;
      const p = proposeFor(field, spec, s, rows);
      if (!p) continue;
      candidates.push({ field, stats: s, score, ...p });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  const byField = new Map<string, Candidate>();
  const taken = new Map<string, string>();
  const dropped: Array<{ column: string; note: string }> = [];
  const cellProblems: Proposal['cellProblems'] = [];
  for (const c of candidates) {
    if (byField.has(c.field) || taken.has(c.stats.key)) continue;
    const spec = specs[c.field];
    // A period column, or separate opening and closing days: not both.
    const filler = Object.entries(specs).find(([f, sp]) => sp.fills?.includes(c.field) && byField.has(f));
    if (filler) {
      if (!dropped.some((d) => d.column === c.stats.col.name))
        dropped.push({
          column: c.stats.col.name,
          note: `not mapped to ${c.field}: "${byField.get(filler[0])!.stats.col.name}" gives the whole ${filler[0]} already`,
        });
      continue;
    }
    if (spec.fills?.some((f) => byField.has(f))) continue;
    const trial = tryField(entity, c.field, c.entry, c.stats, sample.rowNumbers);
    if (trial.nullWords.length > 0 && spec.type && NULLABLE.has(spec.type)) {
      c.entry.nullWords = trial.nullWords.slice(0, 20);
      c.notes.push(`${trial.nullWords.length} value(s) that say "no value" are read as blank with a warning`);
    } else if (trial.nullWords.length > 0) {
      trial.refused += trial.nullWords.reduce((n, w) => n + (c.stats.distinct.get(w) ?? 0), 0);
    }
    // A column most of whose cells the field cannot read holds something else: not this field.
    if (trial.refused > c.stats.nonEmpty * MISMATCH_SHARE) {
      dropped.push({
        column: c.stats.col.name,
        note: `not mapped to ${c.field}: ${trial.refused} of its ${c.stats.nonEmpty} filled cells are not ${c.field} values, so it holds something else (e.g. ${describeExamples(trial.examples)})`,
      });
      continue;
    }
    // A column that is this field keeps its place whatever a few of its cells hold: the rows with
    // those cells are refused where the field cannot do without a readable value, and otherwise
    // land without it, with a warning (invalid: null), as said here and on stderr.
    if (trial.refused > 0) {
      const why = refusalReason(entity, c.field);
      const eg = describeExamples(trial.examples);
      if (why) {
        c.notes.push(
          `unsure: ${trial.refused} row(s) hold values ${c.field} cannot read and will be refused, as ${why} (e.g. ${eg})`,
        );
      } else {
        c.entry.invalid = null;
        c.notes.push(
          `unsure: ${trial.refused} row(s) hold values ${c.field} cannot read: invalid: null lands them without ${c.field}, with a warning (write invalid: refuse to refuse them instead) (e.g. ${eg})`,
        );
      }
      cellProblems.push({
        field: c.field,
        column: c.stats.col.name,
        rows: trial.refused,
        policy: why ? 'refuse' : 'null',
        examples: trial.examples,
      });
    }
    byField.set(c.field, c);
    taken.set(c.stats.key, c.field);
  }

  if (entity === 'organization') publisherCodeAside(byField, taken, dropped, rows);

  const mapping: ProposedField[] = [];
  const notes: string[] = [];
  mapping.push(proposeId(entity, stats, rows, taken, agencyId));

  // A programme feed without a kind column: the kind named last in each title, else その他.
  if (entity === 'program' && !byField.has('kind')) {
    mapping.push(
      kindFromNames(
        byField.get('title'),
        KIND_PATTERN,
        (v) => new RegExp(KIND_PATTERN, 'u').exec(v)?.[1],
        (w) => kindOf(w) ?? OTHER,
        {
          named: (share) =>
            `unsure: no kind column; the kind is the programme word a title names last outside brackets (${share}% of titles name one), else ${OTHER}`,
          none: 'unsure: no kind column and titles seldom name one: every row is その他 (OTHER); set the kind if the source has one kind',
        },
      ),
    );
  }

  // A directory without a kind column: the kind a name names by its last kind word, else その他.
  if (entity === 'organization' && !byField.has('kind')) {
    mapping.push(
      kindFromNames(
        byField.get('name'),
        ORGANIZATION_KIND_PATTERN,
        organizationKindWord,
        (w) => ORGANIZATION_KINDS[ORGANIZATION_KIND_WORDS[w]].label,
        {
          named: (share) =>
            `unsure: no kind column; the kind is the word a name ends its body's kind in (${share}% of names hold one), else ${OTHER}`,
          none: 'unsure: no kind column and names seldom say one: every row is その他 (OTHER); set the kind if the file lists one kind of body',
        },
      ),
    );
  }

  // An aggregator's rows name the publishing body by prefecture and municipality.
  if (entity === 'program' && !byField.has('providerName')) {
    const pref = stats.find(
      (s) => s.nonEmpty > rows * 0.9 && s.share((v) => PREFECTURES.has(v)) > 0.99 && !taken.has(s.key),
    );
    const city =
      pref &&
      stats.find(
        (s) => s !== pref && !taken.has(s.key) && s.nonEmpty > 0 && s.share((v) => /[市区町村]$/.test(v)) > 0.9,
      );
    if (pref && city) {
      mapping.push({
        field: 'providerName',
        entry: { template: `{${pref.col.name}}{${city.col.name}}` },
        notes: [
          "the publishing body (prefecture and municipality): resolved to the directory's organization of that name where there is one, kept as text otherwise",
        ],
      });
      taken.set(pref.key, 'providerName');
      taken.set(city.key, 'providerName');
    }
  }

  // A category list naming support fields among its items (資金繰り, 雇用) gives those as support fields too.
  const purposes = byField.get('purposes');
  if (entity === 'program' && purposes && !byField.has('supportFields')) {
    const split = (purposes.entry as MappingRule).split;
    const items = [...new Set(purposes.stats.col.values.flatMap((v) => splitMulti(v, split)))];
    const lookup = createVocabularyLookup(SUPPORT_FIELDS);
    const named = items.filter((i) => lookup(i));
    if (named.length > 0) {
      mapping.push({
        field: 'supportFields',
        entry: { column: purposes.stats.col.name, ...(split ? { split } : {}), ignoreUnknown: true },
        notes: [
          `the items of "${purposes.stats.col.name}" that name a support field (${named.slice(0, 4).join(', ')}) are support fields too; the others stay purposes only`,
        ],
      });
    }
  }

  const order = Object.keys(specs);
  for (const c of [...byField.values()].sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field))) {
    const note = c.stats.nonEmpty < rows ? `${rows - c.stats.nonEmpty} row(s) leave it blank` : '';
    mapping.push({ field: c.field, entry: simplify(c.entry), notes: [...(note ? [note] : []), ...c.notes] });
  }
  for (const [field, spec] of Object.entries(specs)) {
    if (
      spec.required &&
      !spec.defaultFromAgency &&
      !mapping.some((m) => m.field === field || specs[m.field]?.fills?.includes(field))
    ) {
      notes.push(`no column was found for the required field ${field}: map it before syncing`);
    }
  }

  const idEntry = mapping[0].entry;
  const idColumns = ruleColumns(idEntry);
  const unmapped = stats
    .filter((s) => !taken.has(s.key) && !idColumns.some((c) => columnKey(c) === s.key))
    .map((s) => dropped.find((d) => d.column === s.col.name) ?? { column: s.col.name, note: unmappedNote(s) });

  // The whole proposal on every row, as the dry run will do it.
  const { warnings, rejected, ...expected } = simulate(entity, mapping, sample);
  // What the rows will be warned about, on the field whose column it names (null words are noted already).
  for (const m of mapping) {
    const columns = new Set(ruleColumns(m.entry).map(columnKey));
    for (const [column, byMessage] of warnings) {
      if (!columns.has(columnKey(column))) continue;
      for (const [message, count] of byMessage)
        if (!message.startsWith('read as no ')) m.notes.push(`${count} row(s) land with a warning: ${message}`);
    }
  }
  return { mapping, unmapped, notes, expected, rejected, cellProblems };
}

function unmappedNote(s: ColumnStats): string {
  if (s.nonEmpty === 0) return 'not mapped: empty in every row';
  const sample = [...s.distinct.keys()]
    .slice(0, 2)
    .map((v) => JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v))
    .join(', ');
  return `not mapped: no field of the common schema matches (e.g. ${sample})`;
}

/** A rule of one column and nothing else is written as the column's name. */
function simplify(entry: MappingRule): string | MappingRule {
  const keys = Object.keys(entry).filter((k) => (entry as Record<string, unknown>)[k] !== undefined);
  return keys.length === 1 && entry.column !== undefined ? entry.column : entry;
}

function toMapping(mapping: ProposedField[]): Record<string, string | MappingRule> {
  return Object.fromEntries(mapping.map((m) => [m.field, m.entry]));
}

export function simulate(
  entity: EntityKind,
  mapping: ProposedField[],
  sample: Sample,
): Proposal['expected'] & { warnings: Map<string, Map<string, number>>; rejected: RowRejection[] } {
  const rules = toMapping(mapping);
  const seen = new Map<string, number>();
  const rejected: RowRejection[] = [];
  // Column → message → rows: what the rows that land will be warned about.
  const warnings = new Map<string, Map<string, number>>();
  let accepted = 0;
  for (let r = 0; r < sample.rows; r++) {
    const raw = Object.fromEntries(sample.columns.map((c) => [columnKey(c.name), c.values[r]]));
    const row = sample.rowNumbers[r] ?? r + 1;
    const out = mapRecord(entity, rules, raw, row, 'init');
    if (!out.ok) {
      rejected.push(out.rejection);
      continue;
    }
    const id = String(out.fields[ID_FIELD[entity]]);
    const first = seen.get(id);
    if (first !== undefined) {
      rejected.push({ row, field: 'id', value: id, reason: `duplicate id (first at row ${first})` });
      continue;
    }
    seen.set(id, row);
    accepted++;
    for (const w of out.warnings ?? []) {
      const byMessage = warnings.get(w.field) ?? new Map<string, number>();
      warnings.set(w.field, byMessage.set(w.message, (byMessage.get(w.message) ?? 0) + 1));
    }
  }
  return { rows: sample.rows, accepted, refused: sample.rows - accepted, warnings, rejected };
}
