/**
 * Per-request context of the programs subgraph: the store, the clock that decides programme
 * status, DataLoaders batching entity and per-provider lookups into one query each, and the
 * store's search index holder (one per store, kept across requests).
 */
import DataLoader from 'dataloader';
import type { ProgramRecord } from '../../adapters/store/records';
import type { Queryable } from '../../adapters/store/store';
import { selectList } from '../../adapters/store/tables';
import { searchIndexFor, type SearchIndexHolder } from './search/holder';

export interface ProgramsContext {
  store: Queryable;
  now: () => Date;
  programById: DataLoader<string, ProgramRecord | null>;
  programsByProvider: DataLoader<string, ProgramRecord[]>;
  /** Builds nothing until a search needs it. */
  search: SearchIndexHolder;
}

export function createProgramsContext(store: Queryable, now: () => Date = () => new Date()): ProgramsContext {
  return {
    store,
    now,
    programById: new DataLoader(async (ids) => {
      const rows = await store.query<ProgramRecord>(`select ${selectList('program')} from programs where id = any($1::text[])`, [ids]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    programsByProvider: new DataLoader(async (providerIds) => {
      const rows = await store.query<ProgramRecord>(
        `select ${selectList('program')} from programs where provider_id = any($1::text[]) order by provider_id, title, id`,
        [providerIds],
      );
      return providerIds.map((id) => rows.filter((r) => r.providerId === id));
    }),
    search: searchIndexFor(store),
  };
}
