import {
  cellKey,
  KEY_SPACE,
  noiseFor,
  perturb,
  perturbColumn,
  PERTURBATION_TABLE,
  recordKey,
  WITHHELD,
} from './disclosure';

test('record keys are stable for a record and secret, differ across installs, and spread over the key space', () => {
  expect(recordKey('s1', 'hyogo-iac:1')).toBe(recordKey('s1', 'hyogo-iac:1'));
  expect(recordKey('s1', 'hyogo-iac:1')).not.toBe(recordKey('s2', 'hyogo-iac:1'));
  const keys = Array.from({ length: 4000 }, (_, i) => recordKey('secret', `a:${i}`));
  expect(Math.min(...keys)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...keys)).toBeLessThan(KEY_SPACE);
  const mean = keys.reduce((s, k) => s + k, 0) / keys.length;
  expect(Math.abs(mean - KEY_SPACE / 2)).toBeLessThan(KEY_SPACE * 0.03);
});

test('the table’s rows are distributions, and counts from 7 on have zero mean', () => {
  for (const row of PERTURBATION_TABLE) {
    expect(row.p.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 10);
    expect(Math.min(...row.noise.map((v) => row.count + v))).toBeGreaterThanOrEqual(5);
  }
  const last = PERTURBATION_TABLE.at(-1)!;
  expect(last.noise.reduce((s, v, i) => s + v * last.p[i], 0)).toBeCloseTo(0, 10);
});

test('the noise follows the table: over uniform cell keys, each value as often as its probability', () => {
  const seen = new Map<number, number>();
  for (let k = 0; k < KEY_SPACE; k += 1) seen.set(noiseFor(40, k), (seen.get(noiseFor(40, k)) ?? 0) + 1);
  expect([...seen.keys()].sort()).toEqual([-1, -2, 0, 1, 2].sort());
  expect(seen.get(0)! / KEY_SPACE).toBeCloseTo(0.4, 2);
  expect(seen.get(2)! / KEY_SPACE).toBeCloseTo(0.1, 2);
});

test('1–4 are never shown, 0 stays 0, published values are never under 5, and the same cell always reads the same', () => {
  for (let n = 1; n < 5; n++) for (let k = 0; k < 1000; k++) expect(perturb(n, k * 997)).toBeNull();
  expect(perturb(0, 123)).toBe(0);
  for (let n = 5; n < 30; n++) {
    for (let k = 0; k < 2000; k++) {
      const v = perturb(n, k * 7919)!;
      expect(v).toBeGreaterThanOrEqual(5);
      expect(Math.abs(v - n)).toBeLessThanOrEqual(2);
      expect(perturb(n, k * 7919)).toBe(v);
    }
  }
  expect(cellKey(KEY_SPACE * 3 + 17)).toBe(17);
});

test('perturbColumn shows each cell of a column as perturb shows that cell alone, WITHHELD for 1–4', () => {
  const counts = Array.from({ length: 3000 }, (_, i) => i % 40);
  const keySums = counts.map((_, i) => (i * 7919) % 300_000);
  const shown = perturbColumn(counts, keySums);
  expect(Array.from(shown, (v) => (v === WITHHELD ? null : v))).toEqual(counts.map((n, i) => perturb(n, keySums[i])));
  expect(shown.filter((v) => v === WITHHELD).length).toBe(counts.filter((n) => n >= 1 && n <= 4).length);
});
