/**
 * `npm run agency:check -- agencies/<id>.yaml [--json] [--source <id>] [--show <n>] [--demo]`: the
 * dry run of one agency file (adapters/sync/check.ts), with its live sources composed with the
 * built-in subgraphs as the gateway would and one operation of each called (gateway/live/check.ts).
 * The entry lives here because `--demo` starts the demo agencies' systems and composing needs the
 * gateway's parts, neither of which adapters/ may import.
 */
import { readFileSync } from 'node:fs';
import { checkAgency } from '../adapters/sync/check';
import { liveDeclarations } from '../domain/liveSources';
import { subgraphEndpoints } from '../gateway/gateway';
import { checkLiveSources } from '../gateway/live/check';
import { SUPERGRAPH_FILE } from '../gateway/supergraph';
import { loadSettings } from '../server/settings';
import { builtinSdl } from './live';

checkAgency(process.argv.slice(2), {
  startDemo: async () => (await import('../demo')).startDemo(),
  checkLive: (agency, env) => {
    const baseSupergraph = readFileSync(SUPERGRAPH_FILE, 'utf8');
    const builtins = Object.entries(subgraphEndpoints(baseSupergraph)).map(([name, url]) => ({
      name,
      url,
      sdl: builtinSdl(name),
    }));
    // The install's identity key, so a service checking the gateway's identity accepts the call.
    return checkLiveSources(liveDeclarations([agency]), {
      builtins,
      baseSupergraph,
      identitySecret: loadSettings(env).identitySecret,
      env,
    });
  },
}).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
