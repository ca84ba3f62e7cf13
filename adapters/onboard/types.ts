/** What agency:init proposes: the mapping field by field, the columns left out and why, and what it gives. */
import type { MappingRule } from '../core/mapping';
import type { RowRejection } from '../../domain/records';

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
  /** The rows the proposal refuses on the sample, each once with its first reason, as the dry run would. */
  rejected: RowRejection[];
  /** Mapped columns some of whose cells their field cannot read: refused rows, or rows landing without the value. */
  cellProblems: Array<{
    field: string;
    column: string;
    rows: number;
    policy: 'refuse' | 'null';
    examples: CellProblem[];
  }>;
}

/** A cell a field's rule could not read, where it first occurs. */
export interface CellProblem {
  row: number;
  value: string;
  reason: string;
}
