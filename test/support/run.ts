/** Runs a command to its end as a child process and collects what it wrote (the commands' tests). */
import { spawn } from 'node:child_process';
import { ROOT } from './paths';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `argv[0]` with the rest as arguments, in the project's folder (or `cwd`), given `input` on stdin
 * (else none); rejects when it outlives `timeoutMs`.
 */
export function runToEnd(
  argv: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  cwd = ROOT,
  input?: string,
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd,
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += String(c)));
    child.stderr!.on('data', (c) => (stderr += String(c)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${argv.join(' ')} did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
