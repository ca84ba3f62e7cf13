/**
 * The corpus of real files (agencies/real/corpus.json): where each file is, how agency:init is
 * asked to onboard it, and the environment its committed agency file reads its location from.
 * Shared by the corpus test and `npm run bench:onboard`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InitOptions } from '../../adapters/onboard/init';
import type { EntityKind } from '../../domain/records';
import { ROOT } from './paths';
import { SHARED_DATA } from './shared-data';

export const CORPUS_DIR = join(ROOT, 'agencies', 'real');

export interface CorpusFile {
  agency: string;
  shape: string;
  /** A path under ../shared/data, or … */
  shared?: string;
  /** … a path under agencies/real. */
  file?: string;
  /** The variable the agency file's location names, for files outside the project. */
  locationEnv?: string;
  init: { entity: EntityKind; name: string };
}

export function corpusFiles(): CorpusFile[] {
  return (JSON.parse(readFileSync(join(CORPUS_DIR, 'corpus.json'), 'utf8')) as { files: CorpusFile[] }).files;
}

/** Where the file is on this machine; null when it lives in ../shared/data and that is absent. */
export function corpusPath(f: CorpusFile): string | null {
  const path = f.shared ? join(SHARED_DATA, f.shared) : join(CORPUS_DIR, f.file!);
  return existsSync(path) ? path : null;
}

/** The agency:init call that proposed the committed agency file. */
export function initOptions(f: CorpusFile, path: string): InitOptions {
  return {
    source: path,
    entity: f.init.entity,
    id: f.agency,
    name: f.init.name,
    location: f.locationEnv ? `\${${f.locationEnv}}` : f.file,
    outDir: CORPUS_DIR,
  };
}

/** The environment the committed agency files read their locations from. */
export function corpusEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const f of corpusFiles()) {
    const path = corpusPath(f);
    if (f.locationEnv && path) env[f.locationEnv] = path;
  }
  return env;
}

export const agencyFile = (f: CorpusFile) => join(CORPUS_DIR, `${f.agency}.yaml`);
