/**
 * ../shared/data is present in CI and absent from a user's clone: tests that read it run where it
 * exists and skip with a visible notice elsewhere. MADOGUCHI_SHARED_DATA points them at a copy
 * kept elsewhere (a worktree whose parent folder has none).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths';

export const SHARED_DATA = process.env.MADOGUCHI_SHARED_DATA ?? join(ROOT, '..', 'shared', 'data');

export function describeWithSharedData(name: string, fn: () => void): void {
  if (existsSync(SHARED_DATA)) {
    describe(name, fn);
  } else {
    console.warn(`SKIPPED: "${name}" needs ../shared/data, which is absent from this checkout`);
    describe.skip(name, fn);
  }
}
