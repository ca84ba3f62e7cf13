/**
 * The name nearest to one that was not found (edit distance over the names' keys), so "column 受付
 * 開始日 not found" can say which header the agency most likely meant.
 */

/** Levenshtein distance, two rows at a time. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidate nearest to `wanted` by `key`, when it is near enough to be a likely slip (at most
 * half of the longer key differs); undefined otherwise.
 */
export function closest(
  wanted: string,
  candidates: readonly string[],
  key: (s: string) => string = (s) => s,
): string | undefined {
  const w = key(wanted);
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const k = key(name);
    const d = k.includes(w) || w.includes(k) ? Math.abs(k.length - w.length) : editDistance(w, k);
    if (!best || d < best.d) best = { name, d };
  }
  if (!best) return undefined;
  return best.d <= Math.ceil(Math.max(w.length, key(best.name).length) / 2) ? best.name : undefined;
}
