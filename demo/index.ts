/**
 * The embedded demo's data: agency files are committed; the consultation logs are generated from
 * a fixed seed on first use (about 100,000 rows are too many to commit and are the same each time).
 * They are written to demo/generated/consultations, where the demo agencies' files look for them
 * unless MADOGUCHI_CONSULTATION_DIR points elsewhere.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeConsultationFiles } from './consultations';

export const DEMO_CONSULTATION_DIR = join(__dirname, 'generated', 'consultations');

/**
 * Bumped when the generators' output changes (columns, files), so logs written by an older
 * checkout are written again rather than read with a layout that no longer fits them.
 */
export const DEMO_DATA_VERSION = '2: phone and address columns; committee minutes';
const VERSION_FILE = join(DEMO_CONSULTATION_DIR, 'VERSION');

/** Generates the logs unless they are current, or read from elsewhere (`consultationDir`, MADOGUCHI_CONSULTATION_DIR). */
export async function ensureDemoData(options: { consultationDir?: string } = {}): Promise<{ generated: boolean }> {
  if (options.consultationDir) return { generated: false };
  const current = existsSync(VERSION_FILE) && readFileSync(VERSION_FILE, 'utf8').trim() === DEMO_DATA_VERSION;
  if (current && existsSync(join(DEMO_CONSULTATION_DIR, 'hyogo-iac.csv'))) return { generated: false };
  await writeConsultationFiles(DEMO_CONSULTATION_DIR);
  writeFileSync(VERSION_FILE, `${DEMO_DATA_VERSION}\n`);
  return { generated: true };
}

/**
 * The demo agencies' systems for a command run with `--demo`: the consultation logs generated if
 * missing, and the stand-in web sites, files and APIs on a free loopback port. The environment
 * returned points the agency files at them.
 */
export async function startDemo(
  env: NodeJS.ProcessEnv,
): Promise<{ env: NodeJS.ProcessEnv; baseUrl: string; close(): Promise<void> }> {
  await ensureDemoData({ consultationDir: env.MADOGUCHI_CONSULTATION_DIR });
  const { startDemoAgencyServers } = await import('./servers');
  const { startDemoLiveServices } = await import('./live');
  const servers = await startDemoAgencyServers({ port: 0 });
  // The agencies' own live services too (agency:check calls them), reading identity without checking it.
  const live = await startDemoLiveServices({ env });
  return {
    env: { ...env, MADOGUCHI_DEMO_URL: servers.baseUrl, ...live.env },
    baseUrl: servers.baseUrl,
    close: async () => {
      await servers.close();
      await live.close();
    },
  };
}
