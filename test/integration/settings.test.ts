/**
 * The one settings schema holds: docs/configuration.md and .env.example are what the schema
 * writes, and no product code reads process.env but the settings module (tests, benches and the
 * example client are their own programs; the bin chooses the build to load before settings exist).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_SETTINGS_FILES } from '../../app/settingsDocs';
import { ROOT } from '../support/paths';

test.each(Object.entries(GENERATED_SETTINGS_FILES))('%s is what `npm run settings:docs` writes', (file, render) => {
  expect(readFileSync(join(ROOT, file), 'utf8')).toBe(render());
});

test('only server/settings.ts reads process.env in the product', () => {
  const files = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx', '*.js'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n')
    .filter((f) => !/^(test|bench|clients)\/|\.test\.tsx?$|^jest\.config\.js$|^codegen\.ts$/.test(f));
  const readers = files.filter((f) => {
    try {
      // Reads, not writes: the gateway writes APOLLO_TELEMETRY_DISABLED for @apollo/gateway to read.
      return /process\.env(?!\.APOLLO_TELEMETRY_DISABLED =)(?!\.NODE_ENV': )/.test(readFileSync(join(ROOT, f), 'utf8'));
    } catch {
      return false;
    }
  });
  expect(readers.sort()).toEqual(['bin/madoguchi.js', 'server/settings.ts']);
});
