/**
 * The peer `bench:stats` measures the columnar engine against: an in-process cube of typed
 * arrays. Every consultation is a row of small integer codes (agency, month, municipality,
 * industry, channel), a bit mask of its topics, its day and its record key; a query is one pass
 * over the rows, counting each cell at the mixed-radix number of its codes in a dense array. It
 * counts what the store's record path counts (the bench checks its totals against the mirror's).
 */
import type { Counts, StatsDimension, StatsFilter } from '../store/stats';
import { compareKeys } from '../store/stats';
import { Codes } from '../store/rollups';

type Coded = Exclude<StatsDimension, 'TOPIC'>;

const epochDay = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

export interface CubeColumns {
  organizationId: string[];
  day: string[];
  channel: string[];
  topics: string[][];
  municipalityCode: Array<string | null>;
  industry: Array<string | null>;
  recordKey: number[];
}

export class StatsCube {
  private readonly dict: Record<Coded | 'TOPIC', Codes> = {
    ORGANIZATION: new Codes(),
    MONTH: new Codes(),
    MUNICIPALITY: new Codes(),
    INDUSTRY: new Codes(),
    CHANNEL: new Codes(),
    TOPIC: new Codes(),
  };
  private readonly codes: Record<Coded, Uint16Array>;
  private readonly topicMask: Uint32Array;
  private readonly day: Int32Array;
  private readonly key: Uint16Array;
  readonly rows: number;

  constructor(c: CubeColumns) {
    const n = c.organizationId.length;
    this.rows = n;
    const code = (d: Coded, value: (i: number) => string) => {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = this.dict[d].code(value(i));
      return out;
    };
    this.codes = {
      ORGANIZATION: code('ORGANIZATION', (i) => c.organizationId[i]),
      MONTH: code('MONTH', (i) => c.day[i].slice(0, 7)),
      MUNICIPALITY: code('MUNICIPALITY', (i) => c.municipalityCode[i] ?? ''),
      INDUSTRY: code('INDUSTRY', (i) => c.industry[i] ?? ''),
      CHANNEL: code('CHANNEL', (i) => c.channel[i]),
    };
    this.topicMask = new Uint32Array(n);
    this.day = new Int32Array(n);
    this.key = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      let mask = 0;
      for (const t of c.topics[i]) mask |= 1 << this.dict.TOPIC.code(t);
      this.topicMask[i] = mask;
      this.day[i] = epochDay(c.day[i]);
      this.key[i] = c.recordKey[i];
    }
    if (this.dict.TOPIC.values.length > 32) throw new Error('the cube keeps at most 32 topics in its mask');
  }

  count(dims: readonly StatsDimension[], filter: StatsFilter | null | undefined): Counts {
    const n = this.rows;
    const from = filter?.from ? epochDay(filter.from) : -Infinity;
    const to = filter?.to ? epochDay(filter.to) : Infinity;
    let orgs: Uint8Array | null = null;
    if (filter?.organizationIds?.length) {
      orgs = new Uint8Array(this.dict.ORGANIZATION.values.length);
      for (const id of filter.organizationIds) {
        const k = this.dict.ORGANIZATION.find(id);
        if (k !== undefined) orgs[k] = 1;
      }
    }
    let wanted = 0;
    for (const t of filter?.topics ?? []) {
      const k = this.dict.TOPIC.find(t);
      if (k !== undefined) wanted |= 1 << k;
    }
    const anyTopic = Boolean(filter?.topics?.length);
    const fixed = dims.filter((d): d is Coded => d !== 'TOPIC');
    const columns = fixed.map((d) => this.codes[d]);
    const radices = fixed.map((d) => Math.max(1, this.dict[d].values.length));
    const topicAt = dims.indexOf('TOPIC');
    const topicRadix = topicAt >= 0 ? Math.max(1, this.dict.TOPIC.values.length) : 1;
    const span = radices.reduce((p, r) => p * r, 1) * topicRadix;
    const dense = span <= 1 << 24;
    const counts = dense ? new Uint32Array(span) : null;
    const sums = dense ? new Float64Array(span) : null;
    const sparse = new Map<number, [number, number]>();
    let total = 0;
    let totalKeySum = 0;
    const bump = (k: number, key: number) => {
      if (counts) {
        counts[k] += 1;
        sums![k] += key;
      } else {
        const cell = sparse.get(k);
        if (cell) {
          cell[0] += 1;
          cell[1] += key;
        } else sparse.set(k, [1, key]);
      }
    };
    for (let i = 0; i < n; i++) {
      const d = this.day[i];
      if (d < from || d > to) continue;
      if (orgs && !orgs[this.codes.ORGANIZATION[i]]) continue;
      const mask = this.topicMask[i];
      if (anyTopic && (mask & wanted) === 0) continue;
      let k = 0;
      for (let j = 0; j < columns.length; j++) k = k * radices[j] + columns[j][i];
      const key = this.key[i];
      total += 1;
      totalKeySum += key;
      if (topicAt < 0) bump(k, key);
      else for (let m = mask, t = 0; m; m >>>= 1, t++) if (m & 1) bump(k * topicRadix + t, key);
    }
    const cells: Counts['cells'] = [];
    const emit = (k: number, count: number, keySum: number) => {
      let rest = k;
      const topic = topicAt >= 0 ? this.dict.TOPIC.values[rest % topicRadix] : '';
      if (topicAt >= 0) rest = Math.floor(rest / topicRadix);
      const values: string[] = new Array(fixed.length);
      for (let j = fixed.length - 1; j >= 0; j--) {
        values[j] = this.dict[fixed[j]].values[rest % radices[j]];
        rest = Math.floor(rest / radices[j]);
      }
      let f = 0;
      cells.push({ keys: dims.map((dim) => (dim === 'TOPIC' ? topic : values[f++])), count, keySum });
    };
    if (counts) {
      for (let k = 0; k < span; k++) if (counts[k]) emit(k, counts[k], sums![k]);
    } else for (const [k, [count, keySum]] of sparse) emit(k, count, keySum);
    return { cells: cells.sort(compareKeys), total, totalKeySum, plan: 'cube' };
  }
}
