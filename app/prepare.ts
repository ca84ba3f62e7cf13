/**
 * Run by `npm install` (postinstall): prepares what a first `npm start` would otherwise spend its
 * first seconds on — an empty migrated store template, the demo agencies' consultation logs and
 * the bundles of the explorer and the pages (web/).
 * Never fails the install: whatever is missing, `npm start` makes itself.
 */
import { existsSync } from 'node:fs';
import { ensureStoreTemplate } from '../store/store';
import { templatePath } from '../store/engine/template';
import { ensureDemoData } from '../demo';
import { buildExplorerAssets } from '../gateway/explorer';
import { buildAllPageAssets } from '../gateway/pages';

async function main(): Promise<void> {
  const started = Date.now();
  if (!existsSync(templatePath())) await ensureStoreTemplate();
  const { generated } = await ensureDemoData();
  await buildExplorerAssets();
  await buildAllPageAssets();
  console.log(
    `madoguchi: store template, explorer and page bundles ready${generated ? ', demo consultation logs generated' : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

main().catch((e: unknown) => {
  console.warn(
    `madoguchi: could not prepare the first start (${e instanceof Error ? e.message : String(e)}); npm start will do it`,
  );
});
