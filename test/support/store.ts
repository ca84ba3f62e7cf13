/** Opens a fresh in-memory store from one of the dumps the global setup made. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../store/store';
import { CACHE_DIR } from './paths';

export async function openTestStore(kind: 'empty' | 'demo'): Promise<Store> {
  const bytes = readFileSync(join(CACHE_DIR, `${kind}-store.tar`));
  return openStore({ loadFrom: new Blob([bytes]) });
}

/** One of the global setup's dumps, for a start on its own store thread (`startEmbedded`'s `storeDump`). */
export function testStoreDump(kind: 'empty' | 'demo'): Uint8Array {
  return new Uint8Array(readFileSync(join(CACHE_DIR, `${kind}-store.tar`)));
}
