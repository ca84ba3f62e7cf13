/**
 * The embedded demo's data: agency files are committed; the consultation logs are generated from
 * a fixed seed on first use (about 100,000 rows are too many to commit and are the same each time).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeConsultationFiles } from './consultations';

export async function ensureDemoData(agenciesDir: string): Promise<{ generated: boolean }> {
  if (process.env.MADOGUCHI_CONSULTATION_DIR) return { generated: false };
  const dir = join(agenciesDir, 'demo', 'generated', 'consultations');
  if (existsSync(join(dir, 'hyogo-iac.csv'))) return { generated: false };
  await writeConsultationFiles(dir);
  return { generated: true };
}
