/**
 * The layers of the code (imports only run downwards; the README's tour names them), checked by
 * `npm run lint` (its `lint:layers` step). From the bottom:
 *
 *   domain/     vocabularies, municipalities, identifiers, record types: no I/O, imports nothing of the project
 *   store/      the engine and the read/write APIs: domain only
 *   adapters/   read agencies' systems, write through store/: store and domain
 *   server/     the shared server library (HTTP front, identity, secrets, settings): domain only
 *   subgraphs/  schema and resolvers over store/'s read API: store, domain and server
 *   gateway/    the one endpoint: server and domain (never a subgraph, the store or an adapter)
 *   web/        the pages people look at, bundled for the browser: domain only (and their own gql/)
 *   clients/    the example of another team's typed client: nothing of the project
 *   app/, demo/ the entry that wires everything, and the demo agencies beside it: anything below
 *
 * Nothing but app/, test/ and bench/ imports demo/ or app/. Tests beside the code (*.test.ts) may
 * import what a test needs (test/support, the demo). domain/ is the bottom layer every layer may
 * read, gateway/ and server/ included: its modules do no I/O and import nothing of the project.
 * Type-only imports count for the layers: a type is a dependency too. No import circles anywhere,
 * counted over the imports that stay in the compiled code: a circle closed only by `import type`
 * is erased by the compiler and cannot change the order modules load in. (Fourteen such circles
 * run through subgraphs/programs/search/ — its modules import the IndexCore type from core.ts,
 * which imports their values — and one through adapters/onboard/page.ts and sample.ts.)
 */
const ALL = ['domain', 'store', 'adapters', 'server', 'subgraphs', 'gateway', 'web', 'clients', 'app', 'demo', 'bench', 'test'];

/** A rule: files under `layer` (tests aside) may import only the project folders in `allowed`. */
function layer(name, allowed) {
  const forbidden = ALL.filter((f) => f !== name && !allowed.includes(f));
  return {
    name: `${name}-imports-only-${allowed.length ? allowed.join('-') : 'itself'}`,
    comment: `${name}/ may import ${allowed.length ? allowed.join(', ') : 'nothing else of the project'} (.dependency-cruiser.cjs)`,
    severity: 'error',
    from: { path: `^${name}/`, pathNot: '\\.test\\.tsx?$' },
    to: { path: `^(${forbidden.join('|')})/` },
  };
}

module.exports = {
  forbidden: [
    layer('domain', []),
    layer('store', ['domain']),
    layer('adapters', ['store', 'domain']),
    layer('server', ['domain']),
    layer('subgraphs', ['store', 'domain', 'server']),
    layer('gateway', ['server', 'domain']),
    layer('web', ['domain']),
    layer('clients', []),
    layer('demo', ['adapters', 'store', 'domain', 'server', 'subgraphs', 'gateway']),
    {
      name: 'no-circular',
      comment: 'no import circles (.dependency-cruiser.cjs)',
      severity: 'error',
      from: {},
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^test/fixtures/'] },
  },
};
