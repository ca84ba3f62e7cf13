/**
 * A firm's needs as its consultations express them: the topics each record was filed under and
 * the needs its summary states, read by the one-stop search's own query understanding (the same
 * analyser, needs thesaurus and synonyms as a firm's typed sentence), weighted by recency. The
 * desk's proposals rank programmes by these needs.
 */
import type { ConsultationRecord } from '../../domain/records';
import { SUPPORT_FIELDS, type SupportFieldCode } from '../../domain/vocabulary';
import { defaultUnderstander } from '../programs/search';
import { understandQuery } from '../programs/search/understand';
import { DEFAULT_SYNONYMS } from '../programs/search/synonyms';
import { NEED_ENTRIES } from '../programs/search/thesaurus';

export interface Need {
  /** Its label: a topic and a thesaurus need of the same name (事業承継) are one need. */
  key: string;
  /** Whether consultations were filed under it as a topic (else it was read from summaries only). */
  filed: boolean;
  /** In words: the topic's Japanese label (事業承継) or the need's (資金繰り・返済). */
  label: string;
  /** Support fields that serve it. */
  fields: string[];
  /** Kinds of programme the need prefers (a thesaurus need's), never required. */
  kinds: string[];
  /** Words an agency uses for it, to search programme texts with. */
  keywords: string[];
  /** Recency-weighted count of consultations expressing it. */
  weight: number;
  /** Consultations expressing it, newest first. */
  consultations: Array<{ id: string; receivedAt: string }>;
}

/** A consultation counts half as much after this many days. */
const HALF_LIFE_DAYS = 365;
/** A second or later topic of a record weighs this much of its first. */
const LATER_TOPIC = 0.6;
/** A need read from a summary weighs this much of a record's first topic. */
const SUMMARY_NEED = 0.8;

const entryByLabel = new Map(NEED_ENTRIES.map((e) => [e.label, e]));

/** What the search's understanding reads in a text: its needs, by the thesaurus's labels. */
export function needsInText(text: string): string[] {
  const { analyser, thesaurus } = defaultUnderstander();
  return understandQuery(text, { analyser, thesaurus, synonyms: DEFAULT_SYNONYMS }).interpretation.needs;
}

/** The needs of a firm's consultations, heaviest first. */
export function needsOf(consultations: readonly ConsultationRecord[], today: string): Need[] {
  const needs = new Map<string, Need>();
  const todayMs = Date.parse(`${today}T00:00:00+09:00`);
  const add = (make: () => Omit<Need, 'weight' | 'consultations'>, w: number, c: ConsultationRecord) => {
    const made = make();
    let need = needs.get(made.key);
    if (!need) needs.set(made.key, (need = { ...made, weight: 0, consultations: [] }));
    else {
      need.filed ||= made.filed;
      for (const k of ['fields', 'kinds', 'keywords'] as const) need[k] = [...new Set([...need[k], ...made[k]])];
    }
    need.weight += w;
    if (!need.consultations.some((x) => x.id === c.id)) need.consultations.push({ id: c.id, receivedAt: c.receivedAt });
  };
  for (const c of consultations) {
    const ageDays = Math.max(0, (todayMs - Date.parse(c.receivedAt)) / 86_400_000);
    const w = 0.5 ** (ageDays / HALF_LIFE_DAYS);
    c.topics.forEach((topic, i) => add(() => fieldNeed(topic), w * (i === 0 ? 1 : LATER_TOPIC), c));
    if (!c.summary) continue;
    for (const label of new Set(needsInText(c.summary))) {
      const entry = entryByLabel.get(label);
      if (!entry) continue;
      add(
        () => ({
          key: label,
          filed: false,
          label,
          fields: [...entry.supportFields],
          kinds: [...entry.kinds],
          keywords: [...entry.keywords],
        }),
        w * SUMMARY_NEED,
        c,
      );
    }
  }
  for (const need of needs.values()) need.consultations.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : -1));
  return [...needs.values()].sort((a, b) => b.weight - a.weight || (a.key < b.key ? -1 : 1));
}

function fieldNeed(code: string): Omit<Need, 'weight' | 'consultations'> {
  const field = SUPPORT_FIELDS[code as SupportFieldCode];
  return {
    key: field?.label ?? code,
    filed: true,
    label: field?.label ?? code,
    fields: [code],
    kinds: [],
    keywords: field ? [field.label] : [],
  };
}
