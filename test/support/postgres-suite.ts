/**
 * Tests that need a PostgreSQL server of their own (to restart or kill it) run wherever
 * Debian's postgresql-15 is installed, and always in CI (.ci/run installs it); elsewhere they
 * skip with a visible notice.
 */
import { postgresBinDir } from './postgres';

export function describeWithPostgres(name: string, fn: () => void): void {
  if (postgresBinDir() || process.env.CI) {
    describe(name, fn);
  } else {
    console.warn(`SKIPPED: "${name}" needs PostgreSQL server binaries (apt-get install postgresql-15)`);
    describe.skip(name, fn);
  }
}
