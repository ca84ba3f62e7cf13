/**
 * Re-syncs each source on its configured interval, one run per source at a time, so a slow
 * source never piles up overlapping runs. Every replica sharing a store runs a schedule: the
 * source's lease lets one of them sync it, and the others skip a source attempted within the
 * last half interval rather than asking the agency's system again.
 */
import type { AgencyConfig } from '../core/config';
import type { AdapterContext } from '../core/adapter';
import type { Store } from '../../store/store';
import { syncSource, type SyncReport } from './sync';

export function scheduleSyncs(
  store: Store,
  agencies: AgencyConfig[],
  ctx: AdapterContext,
  onReport: (r: SyncReport) => void = () => {},
): { stop(): void } {
  const timers: NodeJS.Timeout[] = [];
  for (const agency of agencies) {
    for (const source of agency.sources) {
      const interval = source.interval;
      if (!interval) continue;
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        syncSource(store, agency, source, ctx, { freshWithinMs: interval / 2 })
          .then(onReport, () => {})
          .finally(() => (running = false));
      }, interval);
      timer.unref();
      timers.push(timer);
    }
  }
  return { stop: () => timers.forEach(clearInterval) };
}
