/**
 * Summaries (相談概要) as staff type them: templates per topic with slots filled from word lists
 * (data/consultations/texts.json); a few carry amounts with commas, a quoted brand name or a
 * second line, as staff-typed notes do.
 */
import type { OutcomeCode, SupportFieldCode } from '../domain/vocabulary';
import texts from './data/consultations/texts.json';
import { KATAKANA } from './firms';
import type { Region } from './municipalities';
import { pick, type Rng } from './random';

type Slots = Record<string, readonly string[]>;

const SLOTS: Slots = { ...texts.slots, brand: KATAKANA };
const REGION_SLOTS: Record<Region, Slots> = texts.regionSlots;
const TEMPLATES = texts.templates as Record<SupportFieldCode, readonly string[]>;
export const OUTCOME_NOTES = texts.outcomeNotes as Partial<Record<OutcomeCode, readonly string[]>>;

/** A template split at its slots: literals at even positions, slot names at odd ones. */
export type Compiled = readonly string[];
const compile = (template: string): Compiled => template.split(/\{(\w+)\}/);
export const COMPILED = {} as Record<SupportFieldCode, readonly Compiled[]>;
for (const topic of Object.keys(TEMPLATES) as SupportFieldCode[]) COMPILED[topic] = TEMPLATES[topic].map(compile);
export const COMPILED_FOLLOW_UPS = texts.followUps.map(compile);

/** Appends the filled template's pieces to `out`; the caller joins them once. */
export function fill(rng: Rng, parts: Compiled, region: Region, out: string[]): void {
  out.push(parts[0]);
  for (let i = 1; i < parts.length; i += 2) {
    const slot = parts[i];
    out.push(pick(rng, REGION_SLOTS[region][slot] ?? SLOTS[slot]), parts[i + 1]);
  }
}
