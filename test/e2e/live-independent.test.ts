/**
 * A Federation 2 service no one here wrote joins the graph from an agency file alone: the `users`
 * subgraph Apollo ships in @apollo/federation-subgraph-compatibility-tests (its compatibility
 * suite's reference subgraph, built with @apollo/subgraph; MIT), fetched from the npm registry as
 * its published tarball and run unmodified as a process of its own (USERS_PORT is its own setting).
 *
 * It defines `User @key(fields: "email")` and no root field, so a second agency service — written
 * here in another style, plain graphql-js with `_service` and `_entities` by hand, no federation
 * library — gives the directory's organizations a contact person by reference. One query then
 * answers the organization's name (built-in), its contact (this fixture) and the contact's name
 * and years (Apollo's service); with Apollo's service killed, only its fields are null.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSchema, graphql } from 'graphql';
import pino from 'pino';
import { startEmbedded, type Embedded } from '../../app/embedded';
import { embeddedTestStore } from '../support/store';
import { FIXED_NOW, ROOT } from '../support/paths';
import { freePort } from '../support/postgres';
import { startChild, type Child } from '../support/processes';

const PACKAGE = '@apollo/federation-subgraph-compatibility-tests@1.2.1';
const CACHE = join(tmpdir(), 'madoguchi-apollo-compatibility-1.2.1');

/** The published package, unpacked once per machine. */
function apolloUsersSubgraph(): string {
  const entry = join(CACHE, 'package', 'dist', 'subgraphs', 'users', 'index.js');
  if (existsSync(entry)) return entry;
  mkdirSync(CACHE, { recursive: true });
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--pack-destination', CACHE, '--silent'], {
    cwd: CACHE,
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['-xzf', join(CACHE, tarball.split('\n').at(-1)!), '-C', CACHE]);
  return entry;
}

/** The contact-book fixture: Organization.contact → User by email, nothing else. */
function startContactBook(): Promise<Server> {
  const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Organization @key(fields: "id") { id: ID! contact: User }
type User @key(fields: "email", resolvable: false) { email: ID! }`;
  const schema = buildSchema(`
    scalar _Any
    type _Service { sdl: String }
    type User { email: ID! }
    type Organization { id: ID! contact: User }
    union _Entity = Organization
    type Query { _service: _Service! _entities(representations: [_Any!]!): [_Entity]! }`);
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', async () => {
      const { query, variables } = JSON.parse(body || '{}');
      const result = await graphql({
        schema,
        source: query,
        variableValues: variables,
        rootValue: {
          _service: { sdl },
          _entities: ({ representations }: { representations: Array<{ id: string }> }) =>
            representations.map((r) => ({
              __typename: 'Organization',
              id: r.id,
              contact: r.id === 'hyogo-itc' ? { email: 'support@apollographql.com' } : null,
            })),
        },
        typeResolver: () => 'Organization',
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let users: Child;
let contacts: Server;
let app: Embedded;
let url: string;

beforeAll(async () => {
  const entry = apolloUsersSubgraph();
  const port = await freePort();
  users = await startChild(relative(ROOT, entry), [], { USERS_PORT: String(port) }, /ready at/i);
  contacts = await startContactBook();
  const agencies = mkdtempSync(join(tmpdir(), 'madoguchi-independent-'));
  writeFileSync(
    join(agencies, 'apollo-users.yaml'),
    `id: apollo-users\nname: 試験用機関（Apollo社の参照サブグラフ）\nsources:\n  - id: users\n    kind: graphql-subgraph\n    url: http://127.0.0.1:${port}/\n`,
  );
  writeFileSync(
    join(agencies, 'contact-book.yaml'),
    `id: contact-book\nname: 試験用機関（担当者名簿）\nsources:\n  - id: contacts\n    kind: graphql-subgraph\n    url: http://127.0.0.1:${(contacts.address() as AddressInfo).port}/graphql\n`,
  );
  app = await startEmbedded({
    ...(await embeddedTestStore('demo')),
    agenciesDir: agencies,
    port: 0,
    host: '127.0.0.1',
    sync: 'never',
    now: FIXED_NOW,
    logger: pino({ level: 'silent' }),
  });
  url = `http://127.0.0.1:${app.gateway.port}/graphql`;
});

afterAll(async () => {
  await app?.close();
  await users?.kill();
  contacts?.closeAllConnections();
  await new Promise((r) => contacts?.close(r));
});

const QUERY = '{ organization(id: "hyogo-itc") { name kind contact { email name yearsOfEmployment } } }';

async function ask(): Promise<{
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
  });
  return res.json() as never;
}

test('Apollo’s own subgraph joins from an agency file: one query answers built-in and its fields together', async () => {
  expect(app.gateway.live!.statuses().map((s) => [s.id, s.composed, s.lastError])).toEqual([
    ['apollo-users/users', true, null],
    ['contact-book/contacts', true, null],
  ]);
  const r = await ask();
  expect(r.errors).toBeUndefined();
  expect(r.data.organization).toEqual({
    name: '兵庫県立工業技術センター',
    kind: 'PUBLIC_RESEARCH_INSTITUTE',
    // email from the contact book, name and years from Apollo's service (its own data).
    contact: { email: 'support@apollographql.com', name: 'Apollo Studio Support', yearsOfEmployment: 10 },
  });
});

test('with Apollo’s service killed, only live fields are null, naming the agency; /readyz says degraded', async () => {
  await users.kill('SIGKILL');
  const r = await ask();
  // Its User.yearsOfEmployment is non-null, so the contact (a live field, nullable) goes null with it.
  expect(r.data.organization).toEqual({
    name: '兵庫県立工業技術センター',
    kind: 'PUBLIC_RESEARCH_INSTITUTE',
    contact: null,
  });
  expect(r.errors?.[0].message).toMatch(/^agency "apollo-users" \(source users\) is unavailable/);
  const ready = (await (await fetch(url.replace('/graphql', '/readyz'))).json()) as {
    status: string;
    checks: Record<string, string>;
  };
  expect(ready.status).toBe('ready');
  expect(ready.checks['live:apollo-users/users']).toMatch(
    /^degraded: agency "apollo-users" \(source users\) is failing/,
  );
});
