/**
 * The demo agencies' live services as processes of their own for the live-source tests: started
 * with `node --import tsx demo/live/<service>/index.ts` on a chosen port (so a restart keeps the
 * URL the agency file names), checking the gateway's identity with its key set; and a copy of the
 * agency files whose live sources are read every second.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveJwks } from '../../gateway/live/identity';
import { freePort } from './postgres';
import { ROOT } from './paths';
import { startChild, type Child } from './processes';

export interface LiveService {
  name: 'equipment' | 'fees';
  port: number;
  url: string;
  child: Child;
  /** Starts it again on its port, optionally serving another schema or document. */
  restart(schemaFile?: string): Promise<void>;
  /** Identities it received (the gateway's claims, verified by the service). */
  received(): Promise<Array<{ identity: { role: string; agency?: string } | null; claims: string[]; path: string }>>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startLiveService(
  name: 'equipment' | 'fees',
  /** With `identitySecret`, the service refuses calls without the gateway's identity. */
  options: { identitySecret?: string; apiKey?: string; dir: string },
): Promise<LiveService> {
  const jwksFile = join(options.dir, 'jwks.json');
  if (options.identitySecret) writeFileSync(jwksFile, JSON.stringify(liveJwks(options.identitySecret)));
  const port = await freePort();
  const launch = (schemaFile?: string) =>
    startChild(
      `demo/live/${name}/index.ts`,
      [
        '--port',
        String(port),
        ...(options.identitySecret ? ['--jwks', jwksFile] : []),
        ...(schemaFile ? [name === 'fees' ? '--spec' : '--schema', schemaFile] : []),
        ...(options.apiKey ? ['--key', options.apiKey] : []),
      ],
      {},
      /"service":/,
    );
  const service: LiveService = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    child: await launch(),
    async restart(schemaFile) {
      await service.child.kill('SIGKILL');
      service.child = await launch(schemaFile);
    },
    async received() {
      return (await fetch(`${service.url}/debug/identities`)).json() as never;
    },
    stop: (signal = 'SIGTERM') => service.child.kill(signal),
  };
  return service;
}

/** A copy of agencies/ whose live sources are read every second (the shipped files read every minute). */
export function liveAgenciesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-live-agencies-'));
  cpSync(join(ROOT, 'agencies'), dir, { recursive: true });
  for (const file of ['hyogo-itc.yaml', 'hyogo-cgc.yaml']) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const live = text.indexOf(file === 'hyogo-itc.yaml' ? '  - id: equipment' : '  - id: fees');
    writeFileSync(path, text.slice(0, live) + text.slice(live).replace('interval: 1m', 'interval: 1s'));
  }
  return dir;
}

/** Waits until `check` returns a value (not undefined), trying every 200 ms. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
