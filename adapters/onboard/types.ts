/** What agency:init proposes: the mapping field by field, the columns left out and why, and what it gives. */
import type { MappingRule } from '../core/mapping';

export interface ProposedField {
  field: string;
  entry: string | MappingRule;
  /** Said in comments above the field. */
  notes: string[];
}

export interface Proposal {
  mapping: ProposedField[];
  unmapped: Array<{ column: string; note: string }>;
  notes: string[];
  /** What the proposal gives on the sample, as the dry run would count it. */
  expected: { rows: number; accepted: number; refused: number };
}
