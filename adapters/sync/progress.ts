/**
 * Progress of long reads for the command-line tools, on stderr so their reports on stdout stay
 * clean: one line per page a website or API source reads, and the adapters' warnings.
 */
import type { AdapterContext } from '../core/adapter';

export function createProgressLogger(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): AdapterContext['logger'] {
  const started = Date.now();
  const line = (obj: unknown, msg?: string) => {
    const o = (obj ?? {}) as { page?: number; records?: number; total?: number; url?: string; source?: string };
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (msg?.endsWith('page read'))
      write(`    ${seconds} s  page ${o.page}: ${o.records} records, ${o.total} so far  ${o.url ?? ''}`);
    else if (msg) write(`    ${seconds} s  ${msg}${o.source ? ` ${o.source}` : ''}${o.url ? ` ${o.url}` : ''}`);
  };
  return { info: line, warn: line, error: line, debug() {} } as unknown as AdapterContext['logger'];
}
