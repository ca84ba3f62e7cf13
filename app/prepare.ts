/**
 * `madoguchi prepare`, run by `npm install` (postinstall) and by the production image after the
 * build: prepares what a first start would otherwise spend its first seconds on — an empty
 * migrated store template, the bundles of the explorer and the pages (web/), and, when the demo
 * is on (MADOGUCHI_DEMO, off in production), the demo agencies' consultation logs.
 * Never fails the install: whatever is missing, the start makes itself.
 */
import { existsSync } from 'node:fs';
import { ensureStoreTemplate } from '../store/store';
import { templatePath } from '../store/engine/template';
import { buildExplorerAssets } from '../gateway/explorer';
import { buildAllPageAssets } from '../gateway/pages';
import { parseSettings, type Settings } from '../server/settings';

export async function runPrepare(): Promise<number> {
  const started = Date.now();
  try {
    // A bad setting must not fail `npm install`: the start reports it.
    let settings: Settings;
    try {
      settings = parseSettings();
    } catch {
      settings = parseSettings({}, { envFile: false });
    }
    if (!existsSync(templatePath())) await ensureStoreTemplate();
    // The demo is a neighbour: loaded only when it is on.
    const { generated } = settings.demo
      ? await (await import('../demo')).ensureDemoData({ consultationDir: settings.consultationDir })
      : { generated: false };
    await buildExplorerAssets();
    await buildAllPageAssets();
    console.log(
      `madoguchi: store template, explorer and page bundles ready${generated ? ', demo consultation logs generated' : ''}${settings.demo ? '' : ' (demo off: no demo data)'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  } catch (e) {
    console.warn(
      `madoguchi: could not prepare the first start (${e instanceof Error ? e.message : String(e)}); the start will do it`,
    );
  }
  return 0;
}
