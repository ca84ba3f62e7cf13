/**
 * The answer of consultationStats, as cells (one object per cell) or as columns (列形式: lists of
 * scalars, each dimension's codes dictionary-encoded). Both read the same published table — the
 * values the caller is shown, computed and charged once per request by the Query resolver — so
 * row i of the columns is cell i, and a withheld count is null in both.
 */
import type { Resolvers } from '../resolvers.generated';
import type { ConsultationsContext, StatsAnswerValue, StatsKeyValue } from '../context';
import { WITHHELD } from '../../../domain/disclosure';
import { statsKeyLabel } from '../labels';

/** One key object per distinct code of each dimension, made once per answer and shared by cells and columns. */
function keyObjectsOf(answer: StatsAnswerValue): StatsKeyValue[][] {
  answer.keyObjects ??= answer.published.table.keys.map((k, d) =>
    k.values.map((value) => ({ dimension: answer.dims[d], value })),
  );
  return answer.keyObjects;
}

/**
 * A key's label, worked out once per key object: a name read from the directory replaces its
 * promise, so the other cells sharing the object need no await.
 */
function labelOf(k: StatsKeyValue, ctx: ConsultationsContext): string | null | Promise<string | null> {
  if (k.label !== undefined) return k.label;
  const label = statsKeyLabel(k.dimension, k.value, (id) => ctx.organizationName.load(id));
  k.label = label;
  if (label instanceof Promise) label.then((name) => (k.label = name)).catch(() => (k.label = undefined));
  return label;
}

export const statsResolvers: Pick<Resolvers, 'ConsultationStats' | 'StatsColumns' | 'StatsKeyColumn' | 'StatsKey'> = {
  ConsultationStats: {
    groupBy: (a) => a.dims,
    total: (a) => a.published.total,
    suppressedCells: (a) => a.published.withheld,
    cells: (a) => {
      const { table, shown } = a.published;
      const keyObjects = keyObjectsOf(a);
      const dims = a.dims.length;
      const cells = new Array<{ keys: StatsKeyValue[]; count: number | null; suppressed: boolean }>(shown.length);
      for (let i = 0; i < shown.length; i++) {
        const keys = new Array<StatsKeyValue>(dims);
        for (let d = 0; d < dims; d++) keys[d] = keyObjects[d][table.keys[d].codes[i]];
        const withheld = shown[i] === WITHHELD;
        cells[i] = { keys, count: withheld ? null : shown[i], suppressed: withheld };
      }
      return cells;
    },
    columns: (a) => a,
  },
  StatsColumns: {
    keys: (a) => {
      const keyObjects = keyObjectsOf(a);
      return a.dims.map((dimension, d) => ({
        dimension,
        keys: keyObjects[d],
        codes: a.published.table.keys[d].codes,
      }));
    },
    counts: (a) => Array.from(a.published.shown, (v) => (v === WITHHELD ? null : v)),
    suppressed: (a) => Array.from(a.published.shown, (v) => v === WITHHELD),
  },
  StatsKeyColumn: {
    dimension: (c) => c.dimension,
    values: (c) => c.keys.map((k) => k.value),
    labels: (c, _, ctx) => {
      const labels = c.keys.map((k) => labelOf(k, ctx));
      return labels.some((l) => l instanceof Promise) ? Promise.all(labels) : (labels as Array<string | null>);
    },
    // graphql-js completes any iterable list; a typed array needs no copy.
    codes: (c) => c.codes as unknown as number[],
  },
  StatsKey: {
    label: (k, _, ctx) => labelOf(k, ctx),
  },
};
