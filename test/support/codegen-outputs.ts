// Prints what `npm run codegen` would write, as JSON, without writing it. Run in its own process
// because the codegen CLI loads ESM-only modules that jest's CommonJS runtime cannot require.
//   tsx test/support/codegen-outputs.ts [config module]        the project's codegen.ts by default
//   tsx test/support/codegen-outputs.ts --documents <dir>       client-preset with persisted documents
//                                                               over <dir>/*.graphql, against the supergraph
import { resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { CodegenConfig } from '@graphql-codegen/cli';

function configFor(args: string[]): CodegenConfig {
  if (args[0] === '--documents') {
    return {
      schema: 'gateway/supergraph.graphql',
      documents: [`${args[1]}/*.graphql`],
      generates: {
        'out/': {
          preset: 'client',
          presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
          config: { documentMode: 'string' },
        },
      },
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolve(args[0] ?? 'codegen.ts')).default as CodegenConfig;
}

generate({ ...configFor(process.argv.slice(2)), cwd: process.cwd(), silent: true }, false).then(
  (outputs: Array<{ filename: string; content: string }>) => process.stdout.write(JSON.stringify(outputs)),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
