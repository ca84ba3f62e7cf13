// A team's own codegen config: typed operations for its client from the published supergraph,
// with a persisted-documents manifest to hand to the gateway's operators. Run from the project
// root: npx graphql-codegen --config clients/example/codegen.ts
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  overwrite: true,
  schema: 'gateway/supergraph.graphql',
  documents: ['clients/example/*.ts', '!clients/example/codegen.ts'],
  generates: {
    'clients/example/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // Each document becomes { __meta__: { hash: 'sha256:…' } }; the texts go to persisted-documents.json.
        persistedDocuments: { mode: 'replaceDocumentWithHash', hashAlgorithm: 'sha256' },
      },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Date: 'string', DateTime: 'string' },
      },
    },
  },
};

export default config;
