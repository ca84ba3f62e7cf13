/**
 * Starting the project's own commands as child processes for the scale-out tests and benches:
 * `madoguchi <command>` as the npm scripts run it (from the TypeScript sources, whatever NODE_ENV
 * says), waiting for the line that says ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CACHE_DIR, ROOT } from './paths';

export interface Child {
  process: ChildProcess;
  output(): string;
  /** Waits for the process to exit (after a signal, say). */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ChildOptions {
  timeoutMs?: number;
}

/**
 * Starts `madoguchi <command> <args>`, or a TypeScript file of the tests (`command` ending in
 * .ts), or another program's JavaScript (ending in .js, run by plain node); resolves once its
 * output matches `ready` (at once when null).
 */
export function startChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp | null,
  options: ChildOptions = {},
): Promise<Child> {
  const { timeoutMs = 60_000 } = options;
  const script = /\.[jt]s$/.test(command);
  const entry = script ? command : `madoguchi ${command}`;
  const argv = script ? [join(ROOT, command)] : [join(ROOT, 'app', 'main.ts'), ...command.split(' ')];
  const loader = command.endsWith('.js') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...loader, ...argv, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', MADOGUCHI_ACCESS_LOG: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  child.stderr!.on('data', (c) => (out += String(c)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const handle: Child = {
    process: child,
    output: () => out,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  if (!ready) return Promise.resolve(handle);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} ${args.join(' ')} not ready within ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(handle);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} ${args.join(' ')} exited with ${code} before it was ready:\n${out}`));
    });
  });
}

/** `npm run start:subgraph -- <name>` on a given port with the given environment. */
export function startSubgraphProcess(name: string, port: number, env: NodeJS.ProcessEnv): Promise<Child> {
  return startChild('subgraph', [name], { SUBGRAPH_PORT: String(port), HOST: '127.0.0.1', ...env }, /ready at http/);
}

/**
 * The environment an operator's `npm start` (or `npm run sync`) gets on the embedded store in
 * `dataDir`: none of this run's own MADOGUCHI_ or npm_ variables, any port, JSON logs.
 */
export function embeddedEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const k of Object.keys(env)) if (k.startsWith('MADOGUCHI_') || k.startsWith('npm_')) delete env[k];
  return {
    ...env,
    DATABASE_URL: '',
    PORT: '0',
    MADOGUCHI_DATA_DIR: dataDir,
    MADOGUCHI_CONSULTATION_DIR: join(CACHE_DIR, 'consultations'),
    MADOGUCHI_ACCESS_LOG: 'off',
    LOG_FORMAT: 'json',
  };
}
