/**
 * Re-syncs each source on its configured interval, one run per source at a time, so a slow
 * source never piles up overlapping runs. Every replica sharing a store runs a schedule: the
 * source's lease lets one of them sync it, and the others skip a source attempted within the
 * last half interval rather than asking the agency's system again. Growth signals follow the
 * consultation logs: once the logs that changed have settled (sources on one interval come due
 * together), one refresh, by the process that wrote them.
 */
import type { AgencyConfig } from '../core/config';
import type { AdapterContext } from '../core/adapter';
import type { Store } from '../../store/store';
import { refreshGrowth, syncSource, type SyncReport } from './sync';

export function scheduleSyncs(
  store: Store,
  agencies: AgencyConfig[],
  ctx: AdapterContext,
  onReport: (r: SyncReport) => void = () => {},
  options: { growthRefreshDelayMs?: number } = {},
): { stop(): void } {
  const timers: NodeJS.Timeout[] = [];
  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void refreshGrowth(store, ctx), options.growthRefreshDelayMs ?? 2_000);
    refreshTimer.unref();
  };
  for (const agency of agencies) {
    for (const source of agency.sources) {
      const interval = source.interval;
      if (!interval) continue;
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        syncSource(store, agency, source, ctx, { freshWithinMs: interval / 2, deferGrowthRefresh: true })
          .then((report) => {
            if (report.outcome === 'updated' && source.entity === 'consultation') refreshSoon();
            onReport(report);
          }, () => {})
          .finally(() => (running = false));
      }, interval);
      timer.unref();
      timers.push(timer);
    }
  }
  return {
    stop: () => {
      timers.forEach(clearInterval);
      clearTimeout(refreshTimer);
    },
  };
}
