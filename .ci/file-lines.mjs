/**
 * No hand-written source file a newcomer cannot hold in mind: every tracked .ts/.tsx file stays at
 * or under LIMIT lines, generated code aside (the same files biome.json leaves out). Run by
 * `npm run lint` (its `lint:lines` step). Usage: node .ci/file-lines.mjs [root]; exit 1 naming
 * each file over the limit. Every file over it when the rule came in has since been split; there
 * are no exceptions (data belongs in data files: test/support/*.json, demo/data/).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const LIMIT = 600;
const GENERATED = [/\.generated\.ts$/, /^web\/gql\//, /^clients\/example\/gql\//, /^demo\/generated\//, /^test\/fixtures\//];

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
  if (lines > LIMIT) {
    console.error(`${file}: ${lines} lines, over ${LIMIT}: split it along its seams`);
    failed++;
  }
}
if (failed) process.exit(1);
console.log(`file lines: ${files.length} hand-written .ts/.tsx files, none over ${LIMIT}`);
