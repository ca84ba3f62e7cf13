/**
 * `npm run bench:onboard [-- --write]`: every file of the real corpus (agencies/real/corpus.json)
 * onboarded as a new agency would: agency:init proposes the agency file, and the dry run
 * (agency:check, the sync without the write) reads it. Printed per file: rows read, accepted,
 * refused, filtered (where:), skipped (not records), warnings, the seconds init and the dry run took, and whether the committed
 * agency file is init's output untouched ("edited: no") — with the peer measured in the same run,
 * the reader alone on the same bytes (the source's own parse without mapping), and the dry run's
 * ratio to it. `--write` rewrites the committed agency files from init first.
 *
 * Files under ../shared/data are skipped, with a notice, where that folder is absent
 * (MADOGUCHI_SHARED_DATA points at it elsewhere).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadAgencyConfig } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { initAgency } from '../adapters/onboard/init';
import { readSample } from '../adapters/onboard/sample';
import { checkAgencyFile } from '../adapters/sync/check';
import { createAdapter } from '../adapters/sync/sync';
import { agencyFile, corpusEnv, corpusFiles, corpusPath, initOptions } from '../test/support/corpus';
import { markdownTable } from './report';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

async function main(): Promise<void> {
  const write = process.argv.includes('--write');
  const env = corpusEnv();
  const rows: string[][] = [];
  for (const f of corpusFiles()) {
    const path = corpusPath(f);
    if (!path) {
      console.warn(
        `SKIPPED: ${f.agency} needs ${f.shared} from ../shared/data, which is absent (set MADOGUCHI_SHARED_DATA)`,
      );
      continue;
    }
    let t = process.hrtime.bigint();
    const { yaml } = await initAgency(initOptions(f, path));
    const initS = seconds(t);
    if (write) writeFileSync(agencyFile(f), yaml);
    const edited = readFileSync(agencyFile(f), 'utf8') !== yaml;

    const agency = loadAgencyConfig(agencyFile(f), env);
    t = process.hrtime.bigint();
    const result = await checkAgencyFile(agency, { show: 0, logger: silent });
    const checkS = seconds(t);
    const [c] = result.sources;

    // The peer: the same bytes through the source's reader alone, no mapping.
    t = process.hrtime.bigint();
    // A web page's reader is the website adapter (pages, records, fields), as init's sample now
    // also discovers the page's structure; a file's is the sample reader's parse.
    const source = agency.sources[0];
    if (source.kind === 'website')
      await createAdapter(
        agency,
        source,
      )(createAdapterContext({ logger: silent })).read({ etag: null, lastModified: null });
    else await readSample(path, { kind: source.kind, ctx: createAdapterContext() });
    const readS = seconds(t);

    const warnings = c.warnings.reduce((n, w) => n + w.count, 0);
    rows.push([
      f.agency,
      f.shape.split(',')[0],
      String(c.read),
      String(c.accepted),
      String(c.rejected.length),
      String(c.filtered),
      String(c.skipped.length),
      String(warnings),
      `${((c.accepted / Math.max(1, c.read - c.skipped.length)) * 100).toFixed(1)}%`,
      initS.toFixed(2),
      checkS.toFixed(2),
      readS.toFixed(2),
      (checkS / readS).toFixed(2),
      edited ? 'YES' : 'no',
    ]);
  }
  console.log(
    `\nReal corpus onboarded by agency:init alone (Node ${process.version}; seconds of wall time, one run each)\n`,
  );
  console.log(
    markdownTable(
      [
        'file',
        'shape',
        'rows read',
        'accepted',
        'refused',
        'filtered',
        'skipped',
        'warnings',
        'landed',
        'init s',
        'dry run s',
        'reader alone s',
        'dry run ÷ reader',
        'YAML edited',
      ],
      rows,
    ),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
