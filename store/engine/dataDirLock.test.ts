/**
 * The data directory's lock between real processes: a live holder refuses at once and is named;
 * a holder killed outright is waited for, not refused, and its lock taken once abandoned; a
 * closed store gives the directory back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, HOLDER_NAME, LOCK_NAME, lockDataDir, STALE_MS } from './dataDirLock';
import { DataDirUnusableError, StoreDamagedError } from './errors';
import { dumpStore, openStore } from './open';

let base: string;
let holder: ChildProcess | undefined;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'madoguchi-lock-'));
});
afterEach(() => {
  holder?.kill('SIGKILL');
  holder = undefined;
  rmSync(base, { recursive: true, force: true });
});

/** A process that takes `dir` (with `options`, JavaScript) and then runs `then`. */
function lockingProcess(dir: string, then: string, options = '{}'): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `require(${JSON.stringify(join(__dirname, 'dataDirLock.ts'))}).lockDataDir(${JSON.stringify(dir)}, ${options}).then(() => { ${then} });`,
    ],
    {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

/** Another process holding `dir`, as a second Madoguchi would. */
async function holdIn(dir: string): Promise<ChildProcess> {
  const child = lockingProcess(dir, "console.log('held'); setInterval(() => {}, 1000);");
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c) => String(c).includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return child;
}

test('a directory a live process holds is refused at once, naming the directory and the process', async () => {
  const dir = join(base, 'data');
  mkdirSync(dir);
  holder = await holdIn(dir);
  const started = Date.now();
  const refused = await lockDataDir(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(refused).toBeInstanceOf(DataDirInUseError);
  const message = (refused as Error).message;
  expect(message).toContain(dir);
  expect(message).toContain(`pid ${holder.pid}`);
  expect(message).toContain('DATABASE_URL');
  // Not after waiting for the lock to go stale: the holder is alive.
  expect(Date.now() - started).toBeLessThan(STALE_MS / 2);
  // The store refuses the same way, and leaves the holder's directory as it was.
  const before = readdirSync(dir).sort();
  await expect(openStore({ dataDir: dir })).rejects.toBeInstanceOf(DataDirInUseError);
  expect(readdirSync(dir).sort()).toEqual(before);
});

test('the lock of a holder killed outright is waited for, then taken once abandoned', async () => {
  const dir = join(base, 'data');
  mkdirSync(dir);
  holder = await holdIn(dir);
  const pid = holder.pid!;
  holder.kill('SIGKILL');
  await new Promise((r) => holder!.once('exit', r));
  // Killed outright, it could not remove its lock.
  expect(existsSync(join(dir, LOCK_NAME))).toBe(true);
  const waitedFor: number[] = [];
  let taken = false;
  const taking = lockDataDir(dir, { onWait: (h) => waitedFor.push(h.pid) }).then((release) => {
    taken = true;
    return release;
  });
  await new Promise((r) => setTimeout(r, 2_000));
  // Renewed less than STALE_MS ago: not yet abandoned, but its holder is gone, so the start waits.
  expect(taken).toBe(false);
  expect(waitedFor).toEqual([pid]);
  // As if STALE_MS had passed since the holder's last renewal.
  const past = new Date(Date.now() - STALE_MS - 1_000);
  utimesSync(join(dir, LOCK_NAME), past, past);
  const release = await taking;
  expect(taken).toBe(true);
  await release();
  expect(readdirSync(dir).filter((f) => f === LOCK_NAME || f === HOLDER_NAME)).toEqual([]);
});

test('an open store holds its directory and gives it back when closed', async () => {
  const dir = join(base, 'data');
  const store = await openStore({ dataDir: dir });
  await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirInUseError);
  await store.close();
  expect(readdirSync(dir)).not.toContain(LOCK_NAME);
  const again = await openStore({ dataDir: dir });
  expect(await again.query('select 1 as one')).toEqual([{ one: 1 }]);
  await again.close();
});

test('a damaged store is named with what to do, and its directory is given back', async () => {
  const dir = join(base, 'data');
  const store = await openStore({ dataDir: dir });
  await store.close();
  // The cluster's control file cut off, as a full disk or a second writer leaves it.
  truncateSync(join(dir, 'global', 'pg_control'), 0);
  for (let attempt = 0; attempt < 2; attempt++) {
    const failed = await openStore({ dataDir: dir }).then(
      () => null,
      (e: unknown) => e,
    );
    // The second attempt fails the same way: the first did not keep the lock.
    expect(failed).toBeInstanceOf(StoreDamagedError);
    expect((failed as Error).message).toContain(`the embedded store in ${dir} could not be opened`);
    expect((failed as Error).message).toContain('Move the directory aside');
  }
  expect(readdirSync(dir)).not.toContain(LOCK_NAME);
});

test('a store loaded from a dump of a held directory names this process, and gives the directory back', async () => {
  const first = await openStore({ dataDir: join(base, 'first') });
  // As if another process (the tests' set-up, say) had made the dump.
  writeFileSync(join(base, 'first', HOLDER_NAME), JSON.stringify({ pid: 999_999, host: hostname(), since: 'then' }));
  const dump = await dumpStore(first);
  await first.close();
  const dir = join(base, 'data');
  const loaded = await openStore({ dataDir: dir, loadFrom: dump });
  const refused = await lockDataDir(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect((refused as Error).message).toContain(`pid ${process.pid} `);
  await loaded.close();
  expect(readdirSync(dir).filter((f) => f === LOCK_NAME || f === HOLDER_NAME)).toEqual([]);
});

test('a data directory that is a file, or lies under one, is named with what to do, not a bare EEXIST', async () => {
  // MADOGUCHI_DATA_DIR pointed at a file (a backup archive, say): before, `mkdir … EEXIST` and a stack.
  const file = join(base, 'madoguchi-data.tgz');
  writeFileSync(file, 'not a directory');
  for (const dataDir of [file, join(file, 'data')]) {
    const failed = await openStore({ dataDir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(DataDirUnusableError);
    expect((failed as Error).message).toContain(`the data directory ${dataDir} cannot be used`);
    expect((failed as Error).message).toContain('MADOGUCHI_DATA_DIR');
  }
});

test('the lock is renewed while the thread that took it is held up past the stale time (a long store statement)', async () => {
  const dir = join(base, 'data');
  mkdirSync(dir);
  // A holder whose only thread blocks for twice the stale time right after taking the lock, as
  // a PGlite statement on a one-thread command's store would (a shortened stale time: 2 s).
  const child = lockingProcess(
    dir,
    `console.log('held');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000);
     console.log('unblocked');
     setInterval(() => {}, 1000);`,
    '{ staleMs: 2000 }',
  );
  holder = child;
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c) => {
      out += String(c);
      if (out.includes('held')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  // Past the stale time while the holder's thread is still blocked: its lock must still be fresh.
  await new Promise((r) => setTimeout(r, 3000));
  expect(out).not.toContain('unblocked');
  const refused = await lockDataDir(dir, { staleMs: 2000 }).then(
    async (release) => {
      await release();
      return null;
    },
    (e: unknown) => e,
  );
  expect(refused).toBeInstanceOf(DataDirInUseError);
});

test('a process that exits holding the directory leaves no lock behind', async () => {
  const dir = join(base, 'data');
  mkdirSync(dir);
  const child = lockingProcess(dir, 'process.exit(3);');
  const code = await new Promise((r) => child.once('exit', r));
  expect(code).toBe(3);
  expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
  const started = Date.now();
  const release = await lockDataDir(dir);
  expect(Date.now() - started).toBeLessThan(STALE_MS / 2);
  await release();
});
