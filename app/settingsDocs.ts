/** `madoguchi settings docs [--check]` (`npm run settings:docs`): docs/configuration.md and .env.example from the schema. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigurationDoc, renderEnvExample } from '../server/settingsDocs';

const ROOT = join(__dirname, '..');
export const GENERATED_SETTINGS_FILES = {
  'docs/configuration.md': renderConfigurationDoc,
  '.env.example': renderEnvExample,
};

export async function runSettingsDocs(options: { check: boolean }): Promise<number> {
  let stale = 0;
  for (const [file, render] of Object.entries(GENERATED_SETTINGS_FILES)) {
    const path = join(ROOT, file);
    const text = render();
    const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (current === text) continue;
    if (options.check) {
      console.error(`${file} differs from server/settings.ts: run npm run settings:docs`);
      stale += 1;
    } else {
      writeFileSync(path, text);
      console.log(`${file} written`);
    }
  }
  return stale ? 1 : 0;
}
