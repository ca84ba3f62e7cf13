/**
 * No hand-written source file a newcomer cannot hold in mind: every tracked .ts/.tsx file stays at
 * or under LIMIT lines, generated code aside (the same files biome.json leaves out). Run by
 * `npm run lint` (its `lint:lines` step). Usage: node .ci/file-lines.mjs [root]; exit 1 naming
 * each file over the limit.
 *
 * KNOWN lists the files still over it when the rule came in, each with who brings it under; a
 * listed file that has come under the limit is reported so its line can go, and nothing may join.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const LIMIT = 600;
const GENERATED = [/\.generated\.ts$/, /^web\/gql\//, /^clients\/example\/gql\//, /^demo\/generated\//, /^test\/fixtures\//];
const KNOWN = new Map([
  ['test/support/judged-queries.ts', 'judged data written as code; search-scale (issue-28-search) owns it'],
  ['test/integration/search.test.ts', 'search-scale (issue-28-search) owns it'],
  ['bench/search.ts', 'search-scale (issue-28-search) owns it'],
]);

const root = resolve(process.argv[2] ?? '.');
const files = execFileSync('git', ['ls-files', '-z', '--', '*.ts', '*.tsx'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f && !GENERATED.some((g) => g.test(f)));

let failed = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(join(root, file), 'utf8');
  } catch {
    continue; // deleted in the work tree, not yet in the index
  }
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const known = KNOWN.get(file);
  if (lines > LIMIT && !known) {
    console.error(`${file}: ${lines} lines, over ${LIMIT}: split it along its seams`);
    failed++;
  } else if (lines > LIMIT) {
    console.log(`${file}: ${lines} lines, over ${LIMIT} (known: ${known})`);
  } else if (known) {
    console.log(`${file}: ${lines} lines, now within ${LIMIT}: remove it from KNOWN in .ci/file-lines.mjs`);
  }
}
if (failed) process.exit(1);
console.log(`file lines: ${files.length} hand-written .ts/.tsx files, none new over ${LIMIT}`);
