/**
 * `npm run agency:check`: the dry run of an agency file (adapters/sync/check.ts), with its live
 * sources composed with the built-in subgraphs as the gateway would and one operation of each
 * called (gateway/live/check.ts). Composing needs the gateway's parts, so the app wires it.
 */
import { readFileSync } from 'node:fs';
import { checkAgency } from '../adapters/sync/check';
import { liveDeclarations } from '../domain/liveSources';
import { subgraphEndpoints } from '../gateway/gateway';
import { checkLiveSources } from '../gateway/live/check';
import { SUPERGRAPH_FILE } from '../gateway/supergraph';
import { loadSettings } from '../server/settings';
import { builtinSdl } from './live';

if (require.main === module) {
  checkAgency(process.argv.slice(2), {
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
}
