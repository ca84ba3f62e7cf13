/**
 * What the layers above need of the store's engine (engine/): its SQL interface and how to open
 * one. The read and write APIs (the other modules of store/) are imported by name; the engine's
 * inner modules (migrations, leases, notifications, the two connections) are not repeated here.
 */
export { isShared, type Queryable, type Store } from './engine/store';
export {
  countingStore,
  dumpStore,
  ensureStoreTemplate,
  openStore,
  type OpenStoreOptions,
} from './engine/open';
