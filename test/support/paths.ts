/** Locations and constants shared by the test setup and the tests. */
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const CACHE_DIR = join(ROOT, '.test-cache');
/** The demo store in tests holds a smaller consultation log than `npm start`'s 100,000. */
export const TEST_CONSULTATIONS = 12_000;
/** Syncs in the test setup are stamped with this instant. */
export const FIXED_NOW = new Date('2026-11-25T00:30:00Z');
