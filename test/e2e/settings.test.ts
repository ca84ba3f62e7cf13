/**
 * Settings as an operator meets them, through the commands as typed: a bad value stops the start
 * before anything is written, naming the variable and what it expects; a misspelt MADOGUCHI_*
 * name is reported with the closest known one; `on` means on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/paths';

const base = mkdtempSync(join(tmpdir(), 'madoguchi-settings-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function npm(args: string[], env: Record<string, string>) {
  const clean: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const k of Object.keys(clean)) if (k.startsWith('MADOGUCHI_') || k.startsWith('npm_')) delete clean[k];
  return spawnSync('npm', ['run', '-s', ...args], {
    cwd: ROOT,
    env: { ...clean, DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('npm start with a bad value exits 2 naming each variable and what it expects, and writes nothing', () => {
  const dataDir = join(base, 'bad');
  const r = npm(['start'], {
    MADOGUCHI_DATA_DIR: dataDir,
    PORT: '0',
    MADOGUCHI_SYNC_WORKERS: 'abc',
    MADOGUCHI_RESPONSE_CACHE: 'sometimes',
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('MADOGUCHI_SYNC_WORKERS: expected a whole number or auto (got "abc")');
  expect(r.stderr).toContain('MADOGUCHI_RESPONSE_CACHE: expected true/false, 1/0, on/off or yes/no (got "sometimes")');
  // No data folder, no secrets file, no store: nothing was written.
  expect(existsSync(dataDir)).toBe(false);
  expect(r.stdout).toBe('');
});

test('a misspelt MADOGUCHI_* name is reported with the closest known name', () => {
  const r = npm(['token', '--', '--role', 'analyst'], {
    MADOGUCHI_DATA_DIR: join(base, 'misspelt'),
    MADOGUCHI_RESPONSE_CACH: 'on',
    LOG_FORMAT: 'json',
  });
  expect(r.status).toBe(0);
  const warning = r.stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .find((l) => l.level === 40);
  expect(warning?.msg).toBe(
    'unknown setting MADOGUCHI_RESPONSE_CACH: did you mean MADOGUCHI_RESPONSE_CACHE? (the settings are listed in docs/configuration.md)',
  );
  // The token alone on stdout.
  expect(r.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
});
