/**
 * A Federation 2 subgraph written without any federation library — its SDL as text, `_service`
 * and `_entities` by hand over graphql-js — that misbehaves on purpose, one way per path:
 *
 *   /big/graphql      answers its field with 5 MiB of text
 *   /slow/graphql     answers after 10 s
 *   /code/graphql     answers with errors claiming the gateway's own codes (REQUEST_TIMEOUT …)
 *   /capture/graphql  answers normally and keeps the headers it was sent
 *   /sealed/graphql   asks (@requires) for consultation records' content
 *   /hide/graphql     marks Organization.id @federation__inaccessible (composed, it would leave the graph)
 *   /huge/graphql     declares 2,000 types of 10 fields (~0.5 MB, minutes of composition if taken in)
 *
 * Each adds `Organization.<mode>Note`, so all of them can be declared at once.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql } from 'graphql';

const MODES = ['big', 'slow', 'code', 'capture', 'sealed', 'hide', 'huge'] as const;
export type HostileMode = (typeof MODES)[number];

function sdlOf(mode: HostileMode): string {
  const head =
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires"])';
  if (mode === 'sealed')
    return `${head}
type Company @key(fields: "id") {
  id: ID!
  consultations: String @external
  sealedNote: String @requires(fields: "consultations { edges { node { summary } } }")
}`;
  const bulk =
    mode === 'huge'
      ? Array.from(
          { length: 2_000 },
          (_, i) =>
            `type Huge${i} { ${Array.from({ length: 10 }, (_, j) => `f${j}: Huge${(i + j + 1) % 2_000}`).join(' ')} }`,
        ).join('\n')
      : '';
  return `${head}
${bulk}
type Organization @key(fields: "id") {
  id: ID!${mode === 'hide' ? ' @federation__inaccessible' : ''}
  ${mode}Note: String
}`;
}

export interface HostileSubgraph {
  url: string;
  /** Headers received by /capture, newest last. */
  captured: IncomingHttpHeaders[];
  /** Bodies received by /capture other than schema reads, newest last. */
  capturedBodies: string[];
  /** Every path asked for. */
  paths: string[];
  close(): Promise<void>;
}

export async function startHostileSubgraph(): Promise<HostileSubgraph> {
  const captured: IncomingHttpHeaders[] = [];
  const capturedBodies: string[] = [];
  const paths: string[] = [];
  const schemas = new Map(
    MODES.map((mode) => [
      mode,
      buildSchema(`
        scalar _Any
        type _Service { sdl: String }
        type Organization { id: ID! ${mode}Note: String }
        union _Entity = Organization
        type Query { _service: _Service! _entities(representations: [_Any!]!): [_Entity]! }`),
    ]),
  );
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    const mode = (req.url ?? '').split('/')[1] as HostileMode;
    const schema = schemas.get(mode);
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', async () => {
      if (!schema) return void res.writeHead(404).end();
      const { query, variables } = JSON.parse(body || '{}') as { query?: string; variables?: Record<string, unknown> };
      if (mode === 'capture') captured.push(req.headers);
      if (mode === 'capture' && !query?.includes('_service')) capturedBodies.push(body);
      const note = mode === 'big' ? 'x'.repeat(5 * 1024 * 1024) : `${mode} says hello`;
      const result = await graphql({
        schema,
        source: query ?? '',
        variableValues: variables,
        rootValue: {
          _service: { sdl: sdlOf(mode) },
          _entities: ({ representations }: { representations: Array<{ id: string }> }) =>
            representations.map((r) => ({ __typename: 'Organization', id: r.id, [`${mode}Note`]: note })),
        },
        typeResolver: () => 'Organization',
      });
      const answer: Record<string, unknown> = { ...result };
      if (mode === 'code' && !query?.includes('_service'))
        answer.errors = [
          { message: 'stop everything', extensions: { code: 'REQUEST_TIMEOUT' } },
          { message: 'over budget', extensions: { code: 'BUDGET_EXCEEDED' }, path: ['_entities', 0, 'codeNote'] },
        ];
      const send = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      if (mode === 'slow' && !query?.includes('_service')) setTimeout(send, 10_000).unref();
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    captured,
    capturedBodies,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
