/**
 * Per-request context of the programs subgraph: the store, the clock that decides programme
 * status, DataLoaders batching entity and per-provider lookups into one query each, and the
 * store's search index holder (one per store, kept across requests).
 */
import DataLoader from 'dataloader';
import type { ProgramRecord } from '../../domain/records';
import type { Queryable } from '../../store/store';
import * as programs from '../../store/programs';
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
    programById: new DataLoader((ids) => programs.byIds(store, ids)),
    programsByProvider: new DataLoader((providerIds) => programs.byProviders(store, providerIds)),
    search: searchIndexFor(store),
  };
}
