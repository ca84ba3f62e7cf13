/**
 * How many retries a subgraph may get: at most `ratio` of the requests sent in the last
 * `windowMs`, plus a small floor of `minPerWindow` so that a quiet gateway can still retry. A
 * failing subgraph therefore sees at most about 10% extra load from retries, never a storm.
 */

export interface RetryBudgetOptions {
  ratio: number;
  minPerWindow: number;
  windowMs: number;
  clock?: () => number;
}

/** Counts events in one-second buckets over a sliding window. */
class WindowCounter {
  private readonly buckets: number[];
  private readonly stamps: number[];

  constructor(private readonly slots: number) {
    this.buckets = new Array<number>(slots).fill(0);
    this.stamps = new Array<number>(slots).fill(-1);
  }

  add(second: number): void {
    const i = second % this.slots;
    if (this.stamps[i] !== second) {
      this.stamps[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] += 1;
  }

  total(second: number): number {
    let sum = 0;
    for (let i = 0; i < this.slots; i++) if (this.stamps[i] > second - this.slots) sum += this.buckets[i];
    return sum;
  }
}

export class RetryBudget {
  private readonly requests: WindowCounter;
  private readonly retries: WindowCounter;
  private readonly clock: () => number;

  constructor(private readonly options: RetryBudgetOptions) {
    const slots = Math.max(1, Math.round(options.windowMs / 1000));
    this.requests = new WindowCounter(slots);
    this.retries = new WindowCounter(slots);
    this.clock = options.clock ?? Date.now;
  }

  /** Records a first attempt. */
  request(): void {
    this.requests.add(Math.floor(this.clock() / 1000));
  }

  /** Takes one retry from the budget if there is room; false when it is spent. */
  tryRetry(): boolean {
    const second = Math.floor(this.clock() / 1000);
    const allowed = this.options.minPerWindow + this.options.ratio * this.requests.total(second);
    if (this.retries.total(second) + 1 > allowed) return false;
    this.retries.add(second);
    return true;
  }
}
