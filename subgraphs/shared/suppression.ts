/**
 * Small-cell suppression for aggregates over firms (consultation statistics, growth counts). Primary: cells under the threshold are
 * withheld. Secondary: along every line of the table (one dimension varying, the others fixed, and
 * the whole table for its total) a lone suppressed cell would be recoverable by subtraction, so
 * the smallest other visible cell of that line is withheld too, until no line has exactly one.
 */
/** Counts below this are withheld so that no single firm can be singled out. */
export const MIN_CELL = 5;

export interface Cell {
  keys: string[];
  count: number;
  suppressed: boolean;
}

export function suppress(raw: Array<{ keys: string[]; count: number }>, threshold: number): Cell[] {
  const cells: Cell[] = raw.map((c) => ({ ...c, suppressed: c.count > 0 && c.count < threshold }));
  if (cells.length === 0) return cells;
  const dims = cells[0].keys.length;
  const lines: Cell[][] = [cells];
  for (let d = 0; d < dims; d++) {
    const byRest = new Map<string, Cell[]>();
    for (const c of cells) {
      const rest = c.keys.filter((_, i) => i !== d).join('\u0000');
      let line = byRest.get(rest);
      if (!line) byRest.set(rest, (line = []));
      line.push(c);
    }
    lines.push(...byRest.values());
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      const hidden = line.filter((c) => c.suppressed).length;
      if (hidden !== 1) continue;
      const candidates = line.filter((c) => !c.suppressed).sort((a, b) => a.count - b.count);
      if (candidates.length === 0) continue;
      candidates[0].suppressed = true;
      changed = true;
    }
  }
  return cells;
}
