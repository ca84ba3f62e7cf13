/**
 * Re-syncs each source on its configured interval, one run per source at a time, so a slow
 * source never piles up overlapping runs. A source that failed is tried again sooner, with
 * backoff: 1, 2, 4 … minutes after the failure, never later than its interval, and back on its
 * interval once it succeeds — also when it failed in the start's first sync (`initial`).
 */
import type { AgencyConfig } from '../core/config';
import type { AdapterContext } from '../core/adapter';
import type { Store } from '../../store/store';
import { sourceId, syncSource, type SyncReport } from './sync';

export interface ScheduleOptions {
  /** The first sync of this start: sources it reports failed are retried with backoff. */
  initial?: Promise<SyncReport[]>;
  /** The first retry's delay, doubled after each further failure (default one minute). */
  retryUnitMs?: number;
}

/** The delay before the next attempt after `failures` failures in a row (0: none). */
export function nextDelay(intervalMs: number, failures: number, unitMs = 60_000): number {
  if (failures === 0) return intervalMs;
  return Math.min(intervalMs, unitMs * 2 ** Math.min(failures - 1, 30));
}

export function scheduleSyncs(
  store: Store,
  agencies: AgencyConfig[],
  ctx: AdapterContext,
  onReport: (r: SyncReport) => void = () => {},
  options: ScheduleOptions = {},
): { stop(): void } {
  const unit = options.retryUnitMs ?? 60_000;
  const timers = new Map<string, NodeJS.Timeout>();
  const reschedule = new Map<string, (failures: number) => void>();
  let stopped = false;
  for (const agency of agencies) {
    for (const source of agency.sources) {
      if (!source.interval) continue;
      const id = sourceId(agency, source);
      const interval = source.interval;
      let failures = 0;
      const plan = (delay: number) => {
        clearTimeout(timers.get(id));
        if (stopped) return;
        const timer = setTimeout(run, delay);
        timer.unref();
        timers.set(id, timer);
      };
      const run = () => {
        syncSource(store, agency, source, ctx)
          .then(
            (report) => {
              failures = report.outcome === 'failed' ? failures + 1 : 0;
              onReport(report);
            },
            () => (failures += 1),
          )
          .finally(() => plan(nextDelay(interval, failures, unit)));
      };
      reschedule.set(id, (n) => {
        failures = n;
        plan(nextDelay(interval, failures, unit));
      });
      plan(interval);
    }
  }
  options.initial?.then(
    (reports) => {
      for (const r of reports) if (r.outcome === 'failed') reschedule.get(r.sourceId)?.(1);
    },
    () => {},
  );
  return {
    stop: () => {
      stopped = true;
      timers.forEach((t) => clearTimeout(t));
    },
  };
}
