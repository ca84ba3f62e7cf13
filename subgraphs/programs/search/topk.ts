/**
 * The page of a search: a bounded heap keeping the best `capacity` entries of a stream, by two
 * numeric keys (smaller is better) and a unique order for ties, so that pages are stable.
 */

/** A bounded max-heap on (k1, k2, order): keeps the `capacity` smallest keys seen. */
export class TopK {
  readonly k1: Float64Array;
  readonly k2: Float64Array;
  readonly order: Float64Array;
  readonly seg: Int32Array;
  readonly doc: Int32Array;
  readonly score: Float64Array;
  size = 0;

  constructor(readonly capacity: number) {
    this.k1 = new Float64Array(capacity);
    this.k2 = new Float64Array(capacity);
    this.order = new Float64Array(capacity);
    this.seg = new Int32Array(capacity);
    this.doc = new Int32Array(capacity);
    this.score = new Float64Array(capacity);
  }

  private worse(i: number, j: number): boolean {
    if (this.k1[i] !== this.k1[j]) return this.k1[i] > this.k1[j];
    if (this.k2[i] !== this.k2[j]) return this.k2[i] > this.k2[j];
    return this.order[i] > this.order[j];
  }

  private swap(i: number, j: number): void {
    let t = this.k1[i];
    this.k1[i] = this.k1[j];
    this.k1[j] = t;
    t = this.k2[i];
    this.k2[i] = this.k2[j];
    this.k2[j] = t;
    t = this.order[i];
    this.order[i] = this.order[j];
    this.order[j] = t;
    t = this.score[i];
    this.score[i] = this.score[j];
    this.score[j] = t;
    t = this.seg[i];
    this.seg[i] = this.seg[j];
    this.seg[j] = t;
    t = this.doc[i];
    this.doc[i] = this.doc[j];
    this.doc[j] = t;
  }

  offer(k1: number, k2: number, order: number, seg: number, doc: number, score: number): void {
    if (this.capacity === 0) return;
    if (this.size === this.capacity) {
      // Full: only a key better than the worst kept one gets in, replacing it.
      if (k1 > this.k1[0] || (k1 === this.k1[0] && (k2 > this.k2[0] || (k2 === this.k2[0] && order > this.order[0]))))
        return;
      this.set(0, k1, k2, order, seg, doc, score);
      this.siftDown(0);
      return;
    }
    let i = this.size++;
    this.set(i, k1, k2, order, seg, doc, score);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private set(i: number, k1: number, k2: number, order: number, seg: number, doc: number, score: number): void {
    this.k1[i] = k1;
    this.k2[i] = k2;
    this.order[i] = order;
    this.seg[i] = seg;
    this.doc[i] = doc;
    this.score[i] = score;
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < this.size && this.worse(l, worst)) worst = l;
      if (r < this.size && this.worse(r, worst)) worst = r;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }

  /** Indices of the kept entries, best first. */
  sorted(): number[] {
    const idx = Array.from({ length: this.size }, (_, i) => i);
    return idx.sort((i, j) => (this.worse(i, j) ? 1 : this.worse(j, i) ? -1 : 0));
  }
}
