// Prints what `npm run codegen` would write, as JSON, without writing it. Run in its own process
// because the codegen CLI loads ESM-only modules that jest's CommonJS runtime cannot require.
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen';

generate({ ...config, cwd: process.cwd(), silent: true }, false).then(
  (outputs: Array<{ filename: string; content: string }>) => process.stdout.write(JSON.stringify(outputs)),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
