/**
 * Mapping one raw record (column key → cell text) into the entity's stored fields: each mapping
 * is planned once (which fields, from which cells, with which options), then every row runs the
 * plan. A row either yields a stored record (with warnings about cells read leniently) or its
 * rejection: its first problem, and any further ones, field by field. Checks that span fields
 * (a period that closes before it opens, coordinates as a pair, a committee minute's decision)
 * live here too.
 */
import { BUILTIN_NULL_WORDS, createNullWordTest, normalizeText } from '../../domain/normalize';
import { inJapan, municipalityOfAddress, pointFits } from '../../domain/municipalities';
import type { EntityKind, RowRejection, RowWarning } from '../../domain/records';
import { ENTITY_FIELDS, NULLABLE, type FieldSpec } from './fields';
import { cellOf, compileRule, toRule, type CompiledRule, type MappingRule } from './mapping';
import { mapKey, type Output, type RuleOptions, type Warn } from './parsers';

/** Defaults so every stored record has every key, whatever the mapping covers. */
const EMPTY: Record<EntityKind, Output> = {
  organization: {
    nameKana: null,
    legalForm: null,
    corporateNumber: null,
    postalCode: null,
    address: null,
    municipalityCode: null,
    lat: null,
    lng: null,
    phone: null,
    url: null,
    supportFields: [],
    networks: [],
  },
  program: {
    providerName: null,
    titleKana: null,
    summary: null,
    body: null,
    supportFields: [],
    purposes: [],
    areaCodes: [],
    areaText: null,
    industries: [],
    employeeCeiling: null,
    eligibilityText: null,
    maxAmount: null,
    maxAmountText: null,
    subsidyRate: null,
    subsidyRatio: null,
    opensOn: null,
    closesOn: null,
    url: null,
    contact: null,
    updatedOn: null,
    publishedStatus: null,
  },
  consultation: {
    topics: [],
    corporateNumber: null,
    companyName: null,
    industry: null,
    employees: null,
    municipalityCode: null,
    phone: null,
    address: null,
    summary: null,
    consultant: null,
    outcome: null,
    referredToId: null,
  },
  committee: {
    corporateNumber: null,
    firmId: null,
    municipalityCode: null,
    industry: null,
    nominatedBy: null,
    rationale: null,
    reason: null,
    decidedBy: null,
    leadAgency: null,
    participatingAgencies: [],
    goals: [],
  },
};

// Every output key from the start, in one order, so all records of an entity share one shape:
// V8 keeps such objects fast, where adding keys row by row (Object.assign) made mapping 100,000
// rows take twice as long. Fields that only fill others (period) have no key of their own.
const TEMPLATE = Object.fromEntries(
  (Object.keys(EMPTY) as EntityKind[]).map((entity) => [
    entity,
    {
      ...Object.fromEntries(
        Object.entries(ENTITY_FIELDS[entity]).flatMap(([field, spec]) => (spec.required ? [[field, null]] : [])),
      ),
      ...EMPTY[entity],
      // Filled in by the sync (prepare.ts) once a row is mapped; present from the start all the same.
      id: null,
      sourceId: null,
      agencyId: null,
      sourceKind: null,
      sourceLocation: null,
      fetchedAt: null,
      contentHash: null,
      sourceRow: null,
    },
  ]),
) as unknown as Record<EntityKind, Output>;

export type MapResult =
  | { ok: true; fields: Output; warnings?: RowWarning[] }
  | { ok: false; rejection: RowRejection; warnings?: RowWarning[] };

interface PlannedField {
  field: string;
  spec: FieldSpec;
  compiled: CompiledRule | undefined;
  /** What a rejection or warning names: the column, else the field. */
  label: string;
  opts: RuleOptions;
  /** Null words of this field (built-in and its own), for types that take them. */
  isNullWord: ((cell: string) => boolean) | null;
  /** `invalid: null`: a cell the field cannot read lands as blank, with a warning. */
  nullInvalid: boolean;
}

const builtinNullWord = createNullWordTest(BUILTIN_NULL_WORDS);

function labelOf(field: string, rule: MappingRule | undefined): string {
  if (!rule) return field;
  if (rule.column !== undefined) return rule.column;
  if (rule.from !== undefined) return rule.from;
  return field;
}

/** What a row's problem or warning about `field` is called: the column the mapping reads it from. */
const fieldLabel = (mapping: Record<string, string | MappingRule>, field: string): string =>
  labelOf(field, mapping[field] ? toRule(mapping[field]) : undefined);

// Mapping runs once per row of files of 100,000 rows: each mapping is resolved into the list of
// fields to parse once. Fields the mapping leaves out and nothing fills in stay at their default.
const plans = new WeakMap<object, Map<EntityKind, PlannedField[]>>();

function planOf(entity: EntityKind, mapping: Record<string, string | MappingRule>): PlannedField[] {
  let byEntity = plans.get(mapping);
  if (!byEntity) plans.set(mapping, (byEntity = new Map()));
  let plan = byEntity.get(entity);
  if (!plan) {
    plan = Object.entries(ENTITY_FIELDS[entity])
      .filter(([field, spec]) => mapping[field] !== undefined || spec.required || spec.defaultFromAgency)
      .map(([field, spec]) => {
        const entry = mapping[field];
        const rule = entry === undefined ? undefined : toRule(entry);
        const compiled = rule && compileRule(rule);
        const map = rule?.map ? new Map(Object.entries(rule.map).map(([k, v]) => [mapKey(k), v])) : undefined;
        const nullable = spec.type !== undefined && NULLABLE.has(spec.type);
        return {
          field,
          spec,
          compiled,
          label: labelOf(field, rule),
          opts: {
            split: rule?.split,
            html: rule?.html,
            ignoreUnknown: rule?.ignoreUnknown,
            map,
            fallback: rule && 'default' in rule ? { value: rule.default ?? null } : undefined,
          },
          isNullWord: !nullable
            ? null
            : rule?.nullWords?.length
              ? createNullWordTest([...BUILTIN_NULL_WORDS, ...rule.nullWords])
              : builtinNullWord,
          nullInvalid: rule?.invalid === null,
        };
      });
    byEntity.set(entity, plan);
  }
  return plan;
}

/**
 * Maps one raw record (column key → cell text) to the entity's fields. Every field is checked, so
 * a row with two problems reports both: the first as the rejection's reason, the others in
 * `reasons`.
 */
export function mapRecord(
  entity: EntityKind,
  mapping: Record<string, string | MappingRule>,
  raw: Record<string, string | undefined>,
  row: number,
  agencyId: string,
): MapResult {
  const out: Output = { ...TEMPLATE[entity] };
  let problems: Array<{ field: string; value: string | null; reason: string }> | undefined;
  let warnings: RowWarning[] | undefined;
  // One warning sink per row (not per cell: 100,000 rows × 15 fields of closures cost a third of
  // the mapping); it names the field being parsed.
  let label = '';
  const warn: Warn = (message, value) => void (warnings ??= []).push({ row, field: label, value, message });
  const plan = planOf(entity, mapping);
  for (let i = 0; i < plan.length; i++) {
    const { field, spec, compiled, opts, isNullWord, nullInvalid } = plan[i];
    label = plan[i].label;
    const cell = compiled ? cellOf(compiled, raw) : spec.defaultFromAgency ? agencyId : '';
    let verdict = cell === '' ? false : spec.parse(cell, opts, out, warn);
    if (typeof verdict === 'string' && isNullWord?.(cell)) {
      // 随時, 不明, －: the agency says there is no value; the text stays where the schema keeps it.
      warn(`read as no ${field}: the cell holds a word meaning "none" (a null word)`, cell);
      if (spec.rawKey) out[spec.rawKey] = normalizeText(cell);
      verdict = false;
    }
    if (typeof verdict === 'string' && nullInvalid) {
      // The agency chose to keep the row without this value: said on every row it happens to.
      warn(`read as no ${field} (invalid: null): ${verdict}`, cell);
      if (spec.rawKey) out[spec.rawKey] = normalizeText(cell);
      verdict = false;
    }
    if (verdict === false && spec.required && opts.fallback && opts.fallback.value !== null) {
      verdict = spec.parse(opts.fallback.value, opts, out, warn);
    }
    if (typeof verdict === 'string') (problems ??= []).push({ field: label, value: cell, reason: verdict });
    else if (!verdict && spec.required)
      (problems ??= []).push({ field: label, value: cell, reason: `required ${field} is empty` });
  }
  if (entity === 'program' && out.opensOn && out.closesOn && String(out.closesOn) < String(out.opensOn)) {
    const rule = mapping.closesOn ?? mapping.period;
    (problems ??= []).push({
      field: rule ? labelOf('closesOn', toRule(rule)) : 'closesOn',
      value: String(out.closesOn),
      reason: `application closes (${out.closesOn}) before it opens (${out.opensOn})`,
    });
  }
  if (entity === 'committee') for (const p of committeeRowProblems(out, mapping)) (problems ??= []).push(p);
  if (entity === 'organization') {
    const located = out.lat !== null || out.lng !== null;
    const fromAddress =
      typeof out.address === 'string' && (located || out.municipalityCode === null)
        ? municipalityOfAddress(out.address)
        : null;
    // A directory that gives an address but no municipality: the place the address begins with.
    if (out.municipalityCode === null) out.municipalityCode = fromAddress;
    if (located && !problems)
      checkCoordinates(
        out,
        mapping,
        fromAddress,
        (field, message, value) => void (warnings ??= []).push({ row, field, value, message }),
      );
  }
  if (!problems) return warnings ? { ok: true, fields: out, warnings } : { ok: true, fields: out };
  const [first, ...more] = problems;
  const rejection: RowRejection = { row, ...first };
  if (more.length > 0) rejection.reasons = more;
  return warnings ? { ok: false, rejection, warnings } : { ok: false, rejection };
}

/**
 * A place's coordinates, checked as a pair: a latitude lies within ±90° and a longitude within
 * ±180°, and a body lies in Japan, near the municipality its address or code names (within 80 km
 * of its point, or within its prefecture's reach). A pair that is only valid the other way round
 * (緯度 142.19, 経度 27.09: the row swapped its two columns) is read swapped; a placeholder (0, 0),
 * a pair still out of range or out of place (a park in 渋谷区 at Fukuoka's coordinates), or half
 * given is left out. Each with a warning naming the row and column: the row itself lands, as a
 * coordinate is no reason to lose a body from the directory.
 */
function checkCoordinates(
  out: Output,
  mapping: Record<string, string | MappingRule>,
  fromAddress: string | null,
  warn: (field: string, message: string, value: string) => void,
): void {
  const label = (field: string) => fieldLabel(mapping, field);
  const lat = out.lat as number | null;
  const lng = out.lng as number | null;
  // Messages stay the same from row to row (the report groups warnings by them); the pair is the value.
  const pair = `${lat ?? ''}, ${lng ?? ''}`;
  const drop = (field: string, why: string) => {
    out.lat = null;
    out.lng = null;
    warn(label(field), `coordinates left out: ${why}`, pair);
  };
  if (lat === null || lng === null)
    return drop(lat === null ? 'lng' : 'lat', 'a place needs both latitude and longitude');
  if (lat === 0 && lng === 0) return drop('lat', '0, 0 stands for no place');
  const inRange = (la: number, lo: number) => Math.abs(la) <= 90 && Math.abs(lo) <= 180;
  const swapped = !inRange(lat, lng) && inRange(lng, lat);
  if (!inRange(lat, lng) && !swapped)
    return drop(Math.abs(lat) > 90 ? 'lat' : 'lng', 'no place on Earth (latitude within ±90, longitude within ±180)');
  const place = swapped ? { lat: lng, lng: lat } : { lat, lng };
  const either = swapped ? ', read either way' : '';
  if (!inJapan(place)) return drop('lat', `outside Japan${either}`);
  // The address's municipality and the code's: the point must fit one of those the table knows.
  const fits = [...new Set([fromAddress, out.municipalityCode as string | null])]
    .filter((c): c is string => !!c)
    .map((c) => pointFits(c, place))
    .filter((f): f is boolean => f !== undefined);
  if (fits.length > 0 && !fits.includes(true))
    return drop('lat', `far from the municipality the row names (over 80 km, and outside its prefecture)${either}`);
  out.lat = place.lat;
  out.lng = place.lng;
  if (swapped) warn(label('lat'), 'the latitude holds a longitude and the longitude a latitude: read swapped', pair);
}

// A minute must name its firm, and a decision must say why (a selection also who leads the support).
function committeeRowProblems(
  out: Output,
  mapping: Record<string, string | MappingRule>,
): Array<{ field: string; value: string | null; reason: string }> {
  const label = (field: string) => fieldLabel(mapping, field);
  const problems: Array<{ field: string; value: string | null; reason: string }> = [];
  if (!out.corporateNumber && !out.firmId) {
    problems.push({
      field: label('corporateNumber'),
      value: null,
      reason: 'a firm needs its 法人番号 or the network firm id (firmId)',
    });
  }
  const decision = out.outcome === 'SELECTED' || out.outcome === 'DEFERRED' || out.outcome === 'DECLINED';
  if (decision && !out.reason)
    problems.push({
      field: label('reason'),
      value: null,
      reason: `a ${String(out.outcome)} decision needs its reason`,
    });
  if (out.outcome === 'SELECTED' && !out.leadAgency)
    problems.push({ field: label('leadAgency'), value: null, reason: 'a selection needs its lead agency' });
  return problems;
}
