/**
 * `madoguchi webhooks rekey --from-secret-env OLD_VAR` (or `--from-secret-stdin`): after
 * MADOGUCHI_IDENTITY_SECRET was changed, re-seals every webhook signing secret sealed under the
 * old secret's key with the current one, in one transaction, and enables again the webhooks the
 * desk disabled only because their secret no longer opened.
 *
 * The old secret never comes on the command line (shell history, `ps`): it is read from the
 * named environment variable or from stdin. Nothing secret is printed: ids and counts only.
 * Whoever runs it already holds the store's credentials and the current secret (the deployment's
 * environment); a wrong old secret opens nothing and changes nothing.
 */
import { openStore } from '../store/store';
import { resolveSecrets } from '../server/settings';
import { WebhookSecretBox, rekeySecrets } from '../subgraphs/desk/webhooks/secrets';
import { begin, exitOnSettingsError } from './process';
import { storeOptionsOf } from './store';

export interface RekeyArgs {
  fromSecretEnv?: string;
  fromSecretStdin: boolean;
  json: boolean;
}

const USAGE = 'usage: madoguchi webhooks rekey (--from-secret-env <variable> | --from-secret-stdin) [--json]';

/** Ids listed in the text report; the rest are counted (the JSON report lists all). */
const LISTED = 20;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('stdin: more than 64 KiB is not a secret');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function runRekey(args: RekeyArgs): Promise<number> {
  if ((args.fromSecretEnv === undefined) === !args.fromSecretStdin) {
    console.error(`give the old secret one way: --from-secret-env <VARIABLE> or --from-secret-stdin\n${USAGE}`);
    return 2;
  }
  // Checked here, not by commander: its refusal would print the value, and a mistaken value may be the secret.
  if (args.fromSecretEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(args.fromSecretEnv)) {
    console.error(
      `--from-secret-env takes the name of an environment variable, such as OLD_IDENTITY_SECRET, never the secret itself\n${USAGE}`,
    );
    return 2;
  }
  const { settings: parsed } = begin({ service: 'webhooks-rekey', quiet: true, stderr: true });
  let settings = parsed;
  try {
    settings = resolveSecrets(parsed, 'subgraph');
  } catch (e) {
    exitOnSettingsError(e);
  }
  let old: string | undefined;
  if (args.fromSecretEnv !== undefined) {
    old = settings.environment[args.fromSecretEnv];
    if (!old) {
      console.error(
        `${args.fromSecretEnv} is not set (or empty): it should hold the previous MADOGUCHI_IDENTITY_SECRET`,
      );
      return 2;
    }
  } else {
    old = await readStdin();
    if (!old) {
      console.error('stdin was empty: it should hold the previous MADOGUCHI_IDENTITY_SECRET');
      return 2;
    }
  }
  const current = settings.identitySecret!;
  if (old === current) {
    console.error('the old secret is the current MADOGUCHI_IDENTITY_SECRET: nothing to re-key');
    return 2;
  }
  const store = await openStore(storeOptionsOf(settings, 'madoguchi-webhooks-rekey'));
  try {
    const report = await rekeySecrets(
      store,
      WebhookSecretBox.fromServerSecret(old),
      WebhookSecretBox.fromServerSecret(current),
      settings.webhookMaxPerOwner,
    );
    if (args.json) console.log(JSON.stringify(report));
    else {
      const list = (ids: string[]) =>
        ids.length === 0
          ? ''
          : `: ${ids.slice(0, LISTED).join(', ')}${ids.length > LISTED ? ` and ${ids.length - LISTED} more` : ''}`;
      console.log(`re-sealed ${report.resealed.length} webhook secret(s) with the current key`);
      console.log(`enabled again ${report.enabled.length}${list(report.enabled)}`);
      if (report.leftDisabled.length > 0)
        console.log(
          `left disabled (owner at MADOGUCHI_WEBHOOK_MAX_PER_OWNER) ${report.leftDisabled.length}${list(report.leftDisabled)}`,
        );
      console.log(`already under the current key ${report.current}`);
      console.log(`could not open with either key ${report.unopened.length}${list(report.unopened)}`);
    }
    return report.unopened.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}
