/**
 * `npm run agency:check -- agencies/<id>.yaml [--json] [--source <id>] [--show <n>] [--demo]`: the
 * dry run of one agency file (adapters/sync/check.ts). The entry lives here because `--demo`
 * starts the demo agencies' systems, which adapters/ may not import.
 */
import { checkAgency } from '../adapters/sync/check';

checkAgency(process.argv.slice(2), { startDemo: async () => (await import('../demo')).startDemo() }).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
