/**
 * Re-syncs each source on its configured interval, one run per source at a time, so a slow
 * source never piles up overlapping runs. A source that failed is tried again sooner, with
 * backoff: 1, 2, 4 … minutes after the failure, never later than its interval, and back on its
 * interval once it succeeds — also when it failed in the start's first sync (`initial`). Every
 * replica sharing a store runs a schedule: the source's lease lets one of them sync it, and the
 * others skip a source attempted within the last half of its current delay rather than asking the
 * agency's system again. Growth signals follow the consultation logs: once the logs that changed
 * have settled (sources on one interval come due together), one refresh, by the process that
 * wrote them.
 */
import type { AgencyConfig } from '../core/config';
import type { AdapterContext } from '../core/adapter';
import type { Store } from '../../store/store';
import { refreshGrowth, sourceId, syncSource, type SyncReport } from './sync';

export interface ScheduleOptions {
  /** The first sync of this start: sources it reports failed are retried with backoff. */
  initial?: Promise<SyncReport[]>;
  /** The first retry's delay, doubled after each further failure (default one minute). */
  retryUnitMs?: number;
  /** How long after the last changed consultation log the growth signals are refreshed (default 2 s). */
  growthRefreshDelayMs?: number;
  /** The lease each scheduled sync takes on a shared store (default DEFAULT_LEASE_TTL_MS). */
  leaseTtlMs?: number;
  /** Told each time a source's next attempt is planned, with its delay (for logs and tests). */
  onPlan?: (sourceId: string, delayMs: number) => void;
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
  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void refreshGrowth(store, ctx), options.growthRefreshDelayMs ?? 2_000);
    refreshTimer.unref();
  };
  for (const agency of agencies) {
    for (const source of agency.sources) {
      if (!source.interval) continue;
      const id = sourceId(agency, source);
      const interval = source.interval;
      let failures = 0;
      let delay = interval;
      const plan = (next: number) => {
        clearTimeout(timers.get(id));
        if (stopped) return;
        delay = next;
        options.onPlan?.(id, next);
        const timer = setTimeout(run, next);
        timer.unref();
        timers.set(id, timer);
      };
      const run = () => {
        syncSource(store, agency, source, ctx, {
          freshWithinMs: delay / 2,
          deferGrowthRefresh: true,
          leaseTtlMs: options.leaseTtlMs,
        })
          .then(
            (report) => {
              failures = report.outcome === 'failed' ? failures + 1 : 0;
              if (report.outcome === 'updated' && source.entity === 'consultation') refreshSoon();
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
      clearTimeout(refreshTimer);
    },
  };
}
