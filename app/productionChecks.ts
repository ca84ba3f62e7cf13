/**
 * What a production start in a checkout easily inherits from the demo, said at start-up: agency
 * files that read the demo's systems (its loopback ports, its generated consultation logs) —
 * MADOGUCHI_AGENCIES_DIR left at the checkout's `agencies/` — and an embedded store folder a
 * development start has used (its development secrets file is there, and with it the demo's
 * data) — MADOGUCHI_DATA_DIR left at `.data/`. Warnings, not refusals: a deployment may mean it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SECRETS_FILE } from '../server/secrets';

/** A source on loopback at one of the ports Madoguchi and its demo use (4000–4099), or the demo's own settings. */
const DEMO_SOURCE = /\b(?:127\.0\.0\.1|localhost):40\d\d\b|\$\{MADOGUCHI_DEMO_URL\b|\$\{MADOGUCHI_CONSULTATION_DIR\b/;

export function productionWarnings(options: { agenciesDir: string; dataDir: string; databaseUrl?: string }): string[] {
  const warnings: string[] = [];
  const agencies = resolve(options.agenciesDir);
  const demoFiles = existsSync(agencies)
    ? readdirSync(agencies)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .filter((f) => DEMO_SOURCE.test(readFileSync(join(agencies, f), 'utf8')))
    : [];
  if (demoFiles.length > 0)
    warnings.push(
      `${demoFiles.length} agency file(s) in ${agencies} read the demo's systems (127.0.0.1 demo ports or its generated logs), e.g. ${demoFiles.slice(0, 3).join(', ')}: set MADOGUCHI_AGENCIES_DIR to the folder of your agency files`,
    );
  const data = resolve(options.dataDir);
  if (!options.databaseUrl && existsSync(join(data, SECRETS_FILE)))
    warnings.push(
      `${data} holds a development store (a development start wrote ${SECRETS_FILE} there, and the demo's data with it): set MADOGUCHI_DATA_DIR to a fresh folder`,
    );
  return warnings;
}
