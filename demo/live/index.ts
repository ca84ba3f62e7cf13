/**
 * The demo agencies' own live services for the embedded start: the technology centre's equipment
 * subgraph and the guarantee corporation's fee calculator, each a real HTTP server on a free
 * loopback port, checking the gateway's identity with the key set they are given. Their URLs (and
 * the calculator's API key, random per start unless HYOGO_CGC_FEES_KEY is set) come back as the
 * environment the agency files read. A service whose URL variable is already set is not started:
 * it runs elsewhere (the tests run them as processes of their own).
 */
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { startEquipmentService } from './equipment';
import { startFeeService } from './fees';
import type { RunningLiveService } from './serve';

export interface DemoLiveServices {
  /** MADOGUCHI_DEMO_EQUIPMENT_URL, MADOGUCHI_DEMO_FEES_URL and HYOGO_CGC_FEES_KEY for the agency files. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startDemoLiveServices(options: {
  env: NodeJS.ProcessEnv;
  /** The gateway's identity keys (its /.well-known/jwks.json); without them identity is read, not checked. */
  jwks?: { keys: JWK[] };
}): Promise<DemoLiveServices> {
  const identity = (audience: string) => (options.jwks ? { jwks: options.jwks, audience } : undefined);
  const env: Record<string, string> = {};
  const running: RunningLiveService[] = [];
  if (!options.env.MADOGUCHI_DEMO_EQUIPMENT_URL) {
    const s = await startEquipmentService({ identity: identity('hyogo-itc/equipment') });
    running.push(s);
    env.MADOGUCHI_DEMO_EQUIPMENT_URL = s.url.replace(/\/graphql$/, '');
  }
  if (!options.env.MADOGUCHI_DEMO_FEES_URL) {
    const apiKey = options.env.HYOGO_CGC_FEES_KEY || randomBytes(16).toString('hex');
    const s = await startFeeService({ apiKey, identity: identity('hyogo-cgc/fees') });
    running.push(s);
    env.MADOGUCHI_DEMO_FEES_URL = s.url;
    env.HYOGO_CGC_FEES_KEY = apiKey;
  }
  return { env, close: async () => void (await Promise.all(running.map((s) => s.close()))) };
}
