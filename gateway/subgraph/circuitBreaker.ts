/**
 * A circuit breaker for one subgraph. After `failureThreshold` consecutive failures (no answer,
 * a timeout, a 5xx) it opens: requests fail at once instead of waiting on a subgraph that is
 * down. After `openMs` it lets one probe through (half-open); the probe's success closes it, its
 * failure opens it again for another `openMs`.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  clock?: () => number;
  onStateChange?: (state: CircuitState) => void;
}

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly clock: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** Milliseconds until an open circuit lets a probe through. */
  get retryInMs(): number {
    return this.current === 'open' ? Math.max(0, this.openedAt + this.options.openMs - this.clock()) : 0;
  }

  /**
   * Asks to send a request: 'pass' for an ordinary request, 'probe' for the one request an open
   * circuit lets through once its time is up, 'reject' while it stays open.
   */
  acquire(): 'pass' | 'probe' | 'reject' {
    if (this.current === 'closed') return 'pass';
    if (this.current === 'open' && this.clock() - this.openedAt >= this.options.openMs) this.transition('half-open');
    if (this.current === 'half-open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return 'probe';
    }
    return 'reject';
  }

  success(probe = false): void {
    this.failures = 0;
    if (probe) this.probeInFlight = false;
    if (this.current !== 'closed' && (probe || this.current === 'half-open')) this.transition('closed');
  }

  failure(probe = false): void {
    if (probe) {
      this.probeInFlight = false;
      this.open();
      return;
    }
    this.failures += 1;
    if (this.current === 'closed' && this.failures >= this.options.failureThreshold) this.open();
  }

  /** A probe that ended without telling anything (it was abandoned): let another one try. */
  release(probe: boolean): void {
    if (probe) this.probeInFlight = false;
  }

  private open(): void {
    this.openedAt = this.clock();
    this.transition('open');
  }

  private transition(state: CircuitState): void {
    if (this.current === state) return;
    this.current = state;
    if (state === 'closed') this.failures = 0;
    this.options.onStateChange?.(state);
  }
}
