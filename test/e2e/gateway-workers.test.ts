/**
 * `npm run start:gateway` in worker mode, as its own process tree: GATEWAY_WORKERS=2 starts two
 * workers on one port, /metrics on either counts the requests of both, and SIGTERM drains a
 * request in flight before the primary exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fetch } from 'undici';
import type { Store } from '../../store/store';
import type { RunningServer } from '../../server/http';
import { openTestStore } from '../support/store';
import { ROOT } from '../support/paths';
import { identitySecret } from '../../server/identity';
import { gql, startProxy, startSubgraphs, type SubgraphProxy } from './gateway-helpers';

let store: Store;
let subgraphs: Record<string, RunningServer>;
let slow: SubgraphProxy;
let primary: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  store = await openTestStore('demo');
  subgraphs = await startSubgraphs(store);
  slow = await startProxy(subgraphs.programs.url, 800);
});

afterAll(async () => {
  if (primary && primary.exitCode === null) primary.kill('SIGKILL');
  await slow?.close();
  await Promise.all(Object.values(subgraphs ?? {}).map((s) => s.close()));
  await store?.close();
});

test('two workers share the port, /metrics counts both, and SIGTERM drains before exiting', async () => {
  const port = await freePort();
  primary = spawn(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), 'gateway'], {
    cwd: ROOT,
    env: {
      ...process.env,
      GATEWAY_WORKERS: '2',
      PORT: String(port),
      HOST: '127.0.0.1',
      MADOGUCHI_ACCESS_LOG: 'off',
      // The subgraphs here run in this process, with its identity secret: the workers sign with it.
      MADOGUCHI_IDENTITY_SECRET: identitySecret(),
      SUBGRAPH_ORGANIZATIONS_URL: subgraphs.organizations.url,
      SUBGRAPH_PROGRAMS_URL: slow.url,
      SUBGRAPH_CONSULTATIONS_URL: subgraphs.consultations.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => primary!.once('exit', (code) => resolve(code)));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workers not ready: ${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if ((output.match(/worker \d+ ready/g) ?? []).length === 2) {
        clearTimeout(timer);
        resolve();
      }
    };
    primary!.stdout!.on('data', onData);
    primary!.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
  const pids = new Set((output.match(/worker (\d+) ready/g) ?? []).map((m) => m.split(' ')[1]));
  expect(pids.size).toBe(2);

  const url = `http://127.0.0.1:${port}/graphql`;
  // A registered operation's name labels the metrics (others are counted as "other").
  const query = { query: 'query DirectoryPage { organizations { id } }', operationName: 'DirectoryPage' };
  // Fresh connections, so that the primary spreads them over both workers.
  const answers = await Promise.all(
    Array.from({ length: 12 }, () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify(query),
      }).then((r) => r.status),
    ),
  );
  expect(answers.every((s) => s === 200)).toBe(true);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { connection: 'close' } })).text();
  expect(metrics).toMatch(/madoguchi_graphql_requests_total\{operation="DirectoryPage",status="200"\} 12\b/);
  // Answered with data: the workers' identity was accepted by the subgraphs.
  expect((await gql(url, query)).data?.organizations.length).toBeGreaterThan(0);

  const inFlight = gql(url, { query: '{ programs(first: 2) { totalCount } }' });
  await new Promise((r) => setTimeout(r, 300));
  primary.kill('SIGTERM');
  const answer = await inFlight;
  expect(answer.status).toBe(200);
  expect(answer.data!.programs.totalCount).toBeGreaterThan(100);
  expect(await exited).toBe(0);
}, 90_000);
