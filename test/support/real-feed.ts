/**
 * The real J-Net21 municipal feed (../shared/data/real/jnet21-municipal-support.csv, 9,720
 * programmes of municipalities and prefectures across Japan) loaded into a store the way a user
 * loads it: its agency file agencies/real/jnet21-municipal-support.yaml, synced. Shared by the
 * real-feed search test and `npm run bench:search`; null where ../shared/data is absent.
 */
import { createAdapterContext } from '../../adapters/core/adapter';
import { loadAgencyConfig } from '../../adapters/core/config';
import { syncDeclaredOrganization, syncSource } from '../../adapters/sync/sync';
import type { Store } from '../../store/store';
import { agencyFile, corpusEnv, corpusFiles, corpusPath } from './corpus';

export const REAL_FEED_AGENCY = 'jnet21-municipal-support';

/** Where the feed is on this machine, or null. */
export function realFeedPath(): string | null {
  const file = corpusFiles().find((f) => f.agency === REAL_FEED_AGENCY);
  return file ? corpusPath(file) : null;
}

/** Syncs the feed into the store; returns its source id and the programmes that landed. */
export async function loadRealFeed(store: Store, now: () => Date): Promise<{ sourceId: string; accepted: number }> {
  const config = loadAgencyConfig(agencyFile(corpusFiles().find((f) => f.agency === REAL_FEED_AGENCY)!), corpusEnv());
  const ctx = createAdapterContext({ clock: now });
  await syncDeclaredOrganization(store, config, ctx);
  const report = await syncSource(store, config, config.sources[0], ctx);
  if (report.outcome === 'failed') throw new Error(`the real feed did not sync: ${report.error}`);
  return { sourceId: report.sourceId, accepted: report.accepted };
}
