/**
 * What `npm run -s sync -- --demo` prints, as an operator types it twice (a child process each
 * time, one data folder): a source whose content did not change says so with the counts of the
 * snapshot it keeps — rows refused then included — and an agency's declared organization that a
 * directory provides says unchanged and where the entry comes from, never "updated 0 accepted".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToEnd } from '../support/run';

const base = mkdtempSync(join(tmpdir(), 'madoguchi-sync-report-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface Line {
  source: string;
  outcome: string;
  accepted: number | null;
  rejected: number | null;
  text: string;
}

/** The report's lines: `<source> <outcome> <tail> (<n> ms)`. */
function linesOf(stdout: string): Map<string, Line> {
  const lines = new Map<string, Line>();
  for (const text of stdout.split('\n')) {
    const m = /^(\S+\/\S+)\s+(updated|unchanged|failed|skipped)\s+(.*)$/.exec(text);
    if (!m) continue;
    const counts = /(\d+) accepted, (\d+) rejected/.exec(m[3]);
    lines.set(m[1], {
      source: m[1],
      outcome: m[2],
      accepted: counts ? Number(counts[1]) : null,
      rejected: counts ? Number(counts[2]) : null,
      text,
    });
  }
  return lines;
}

test('a second sync reports the kept snapshots’ accepted and refused rows, and declared organizations as unchanged', async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MADOGUCHI_DATA_DIR: join(base, 'data'),
    DATABASE_URL: '',
    NODE_OPTIONS: '',
  };
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  const sync = () => runToEnd(['npm', 'run', '-s', 'sync', '--', '--demo'], env, 240_000);

  const first = await sync();
  expect(first.code).toBe(0);
  const before = linesOf(first.stdout);
  const refusing = [...before.values()].filter((l) => l.outcome === 'updated' && (l.rejected ?? 0) > 0);
  // The demo's files have rows to refuse (akashi-ipf's programmes among them).
  expect(refusing.map((l) => l.source)).toContain('akashi-ipf/programs');

  const second = await sync();
  expect(second.code).toBe(0);
  const after = linesOf(second.stdout);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [source, was] of before) {
    const now = after.get(source)!;
    // Nothing changed at the agencies between the runs.
    expect({ source, outcome: now.outcome }).toEqual({ source, outcome: 'unchanged' });
    if (source.endsWith('/organization')) {
      // Every demo agency is listed by a directory: the declared entry is not stored, and says so.
      expect(now.text).toMatch(/entry comes from \S+\/\S+/);
      expect(now.text).not.toMatch(/0 accepted/);
      continue;
    }
    // The counts of the snapshot kept: those the first run landed and refused.
    expect({ source, accepted: now.accepted, rejected: now.rejected }).toEqual({
      source,
      accepted: was.accepted,
      rejected: was.rejected,
    });
    expect(now.text).toMatch(/unchanged\s+since \d{4}-\d\d-\d\dT/);
  }
}, 600_000);
