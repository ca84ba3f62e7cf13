/**
 * Live sources in an agency file: validated with the rest, kept apart from the sources read into
 * the store, credentials named and never written, and every mistake named by file and path.
 */
import { AgencyConfigError, parseAgencyConfig } from './config';

const FILE = '/agencies/hyogo-cgc.yaml';
const head = 'id: hyogo-cgc\nname: 兵庫県信用保証協会\nsources:\n';

function problems(yaml: string): Array<{ path: string; message: string }> {
  try {
    parseAgencyConfig(head + yaml, FILE, {});
  } catch (e) {
    if (e instanceof AgencyConfigError) return e.problems;
    throw e;
  }
  return [];
}

test('live sources load apart from the sources a sync reads, so an agency may have only them', () => {
  const agency = parseAgencyConfig(
    `${head}  - id: fees
    kind: openapi
    spec: fees.yaml
    baseUrl: https://api.example.jp
    prefix: guaranteeFees
    auth: { header: X-Api-Key, env: HYOGO_CGC_FEES_KEY }
    links:
      - { type: Program, field: guaranteeFee, operation: getGuaranteeFee, args: { programId: id } }
  - id: equipment
    kind: graphql-subgraph
    url: \${BOOKING_URL:-https://booking.example.jp/graphql}
    interval: 5m
    limits: { timeoutMs: 1500 }
    acceptBreaking: [Equipment.ratePerHour]
`,
    FILE,
    {},
  );
  expect(agency.sources).toEqual([]);
  expect(agency.live.map((s) => s.kind)).toEqual(['openapi', 'graphql-subgraph']);
  expect(agency.live[0]).toMatchObject({
    auth: { header: 'X-Api-Key', env: 'HYOGO_CGC_FEES_KEY', prefix: '' },
    links: [{ type: 'Program', field: 'guaranteeFee', scope: 'own' }],
  });
  expect(agency.live[1]).toMatchObject({
    url: 'https://booking.example.jp/graphql',
    interval: 300_000,
    limits: { timeoutMs: 1500 },
  });
});

test('a bad live source stops the start naming file, path and what was expected', () => {
  expect(problems('  - id: x\n    kind: graphql-subgraph\n    url: ftp://booking.example.jp\n')).toEqual([
    { path: 'sources.0.url', message: 'an http(s) URL' },
  ]);
  expect(
    problems(
      '  - id: x\n    kind: openapi\n    spec: a.yaml\n    baseUrl: https://a.example.jp\n    prefix: Guarantee-Fees\n',
    ),
  ).toEqual([{ path: 'sources.0.prefix', message: 'a camelCase name such as "guaranteeFees"' }]);
  // A credential is named, never written.
  expect(
    problems(
      '  - id: x\n    kind: graphql-subgraph\n    url: https://a.example.jp/graphql\n    auth: { header: X-Api-Key, value: secret }\n',
    )[0].path,
  ).toBe('sources.0.auth.env');
  expect(
    problems(
      '  - id: x\n    kind: graphql-subgraph\n    url: https://a.example.jp/graphql\n    limits: { timeoutMs: 600000 }\n',
    )[0].path,
  ).toBe('sources.0.limits.timeoutMs');
  expect(
    problems(
      '  - id: x\n    kind: openapi\n    spec: a.yaml\n    baseUrl: https://a.example.jp\n    prefix: fees\n    links:\n      - { type: Program, field: fee, operation: a, args: { p: id } }\n      - { type: Program, field: fee, operation: b, args: { p: id } }\n',
    ),
  ).toEqual([{ path: 'sources.0.links.1.field', message: 'Program.fee is linked twice' }]);
  expect(
    problems(
      '  - id: x\n    kind: openapi\n    spec: a.yaml\n    baseUrl: https://a.example.jp\n    prefix: fees\n    links:\n      - { type: Consultation, field: fee, operation: a, args: { p: id } }\n',
    )[0].path,
  ).toBe('sources.0.links.0.type');
});
