/** The `madoguchi` command run from its TypeScript sources (`node --import tsx app/main.ts …`), as tests and benches start it. */
import { run } from './cli';

void run();
