/**
 * The `madoguchi` command and every subcommand the npm scripts call, on one parser: commander.
 * It earns its place over node:util's parseArgs by what operators see: subcommands, a generated
 * `--help` for each listing every flag with its default, choices and value parsers that refuse a
 * bad value, all checked before a command's action runs — so an unknown flag or a missing value
 * exits 2 with the usage line before anything is opened, started or written. (Hive Gateway's CLI
 * is built on it the same way.) Settings stay environment variables (server/settings.ts); flags
 * are for what differs per run.
 *
 * Each action loads its module when it runs: `madoguchi token` never loads the gateway's server,
 * `--help` loads nothing.
 */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DURATION_EXPECTS, durationSeconds } from '../server/settingKinds';

/** The subgraphs' names (subgraphs/index.ts lists the modules; a test holds the two together). */
export const SUBGRAPH_NAMES = ['organizations', 'programs', 'consultations', 'growth', 'desk'];

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function port(value: string): number {
  const n = wholeNumber(value);
  if (n > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535.');
  return n;
}

/** A lifetime as the settings write one (15m, 8h, 1d); kept as typed, checked here. */
function duration(value: string): string {
  if (durationSeconds(value) === undefined) throw new InvalidArgumentError(`expected ${DURATION_EXPECTS}.`);
  return value;
}

function slug(value: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(value))
    throw new InvalidArgumentError('expected a lower-case slug such as "hyogo-iac".');
  return value;
}

/** Sets the exit code a command's action resolves to (process.exit after output is flushed). */
function exitWith(code: number): void {
  process.exitCode = code;
}

export function createProgram(): Command {
  const program = new Command('madoguchi')
    .description('Madoguchi (窓口): one GraphQL window onto every small-business support agency of a region')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);

  program
    .command('start')
    .description(
      'the whole system in one process (npm start): agencies synced, subgraphs and the gateway on PORT (default 4000)',
    )
    .addOption(
      new Option(
        '--sync <when>',
        'when the agencies are synced: wait for the directory on a first start, wait for all, in the background, or never',
      )
        .choices(['auto', 'blocking', 'background', 'never'])
        .default('auto'),
    )
    .action(async (o: { sync: 'auto' | 'blocking' | 'background' | 'never' }) => {
      (await import('./embedded')).main({ sync: o.sync });
    });

  program
    .command('gateway')
    .description(
      'the gateway alone (npm run start:gateway), reaching the subgraphs at SUBGRAPH_<NAME>_URL or the supergraph’s URLs',
    )
    .action(async () => {
      (await import('./startGateway')).main();
    });

  program
    .command('subgraph')
    .description('one subgraph as its own process (npm run start:subgraph -- <name>)')
    .addArgument(new Argument('<name>', 'the subgraph').choices(SUBGRAPH_NAMES))
    .option(
      '--port <port>',
      "where it listens (default: SUBGRAPH_PORT, else the subgraph's port in the supergraph)",
      port,
    )
    .action(async (name: string, o: { port?: number }) => {
      await (await import('./startSubgraph')).main(name, o.port);
    });

  program
    .command('sync')
    .description('sync the agencies (all, or those named) into the store and print what landed, was refused or failed')
    .argument('[agency...]', 'agency ids (default: every agency file)')
    .option('--force', 'rewrite sources whose content is unchanged', false)
    .option('--demo', "start the demo agencies' stand-in systems for this run", false)
    .option('--watch', "keep syncing each source on its interval (the deployment's sync leader)", false)
    .option('--port <port>', 'with --watch: where /healthz, /readyz and /metrics answer', port, 4020)
    .action(async (agencies: string[], o: { force: boolean; demo: boolean; watch: boolean; port: number }) => {
      exitWith(await (await import('./sync')).runSync({ agencies, ...o }));
    });

  const agency = program.command('agency').description('onboard an agency: propose its file, dry-run it');
  agency
    .command('init')
    .description('propose an agency file for a source Madoguchi has never seen (to stdout, or --out)')
    .argument('<source>', 'a path or URL of a spreadsheet, web page or API')
    .addOption(
      new Option('--entity <entity>', 'what its rows are')
        .choices(['program', 'consultation', 'organization'])
        .default('program'),
    )
    .option('--id <id>', 'the agency id (default: the name of the file written, else derived from the source)', slug)
    .option('--name <name>', "the agency's name (default: read from the source where it says)")
    .addOption(
      new Option('--kind <kind>', 'how to read it (default: guessed from the source)').choices([
        'spreadsheet',
        'api',
        'website',
      ]),
    )
    .option('--location <text>', 'the location as the file writes it, e.g. ${PROGRAMS_CSV} (default: the source)')
    .option('--out <file>', 'write the file here (default: stdout)')
    .action(async (source: string, o: Record<string, string | undefined>) => {
      const { initAgencyCommand } = await import('../adapters/onboard/init');
      exitWith(
        await initAgencyCommand({
          source,
          entity: o.entity as 'program' | 'consultation' | 'organization',
          id: o.id,
          name: o.name,
          kind: o.kind as 'spreadsheet' | 'api' | 'website' | undefined,
          location: o.location,
          out: o.out,
        }),
      );
    });
  agency
    .command('check')
    .description('dry-run an agency file: what a sync would read, land, refuse and leave out, writing nothing')
    .argument('<file>', 'the agency file, e.g. agencies/hyogo-iac.yaml')
    .option('--json', 'print one JSON document', false)
    .option('--source <id>', 'check this source only (default: every source)')
    .option('--show <n>', 'records to show as they would land', wholeNumber, 3)
    .option('--demo', "start the demo agencies' stand-in systems for this run", false)
    .action(async (file: string, o: { json: boolean; source?: string; show: number; demo: boolean }) => {
      const { begin } = await import('./process');
      const { settings } = begin({ service: 'agency-check', quiet: true, stderr: true, demo: () => o.demo });
      const { checkAgency } = await import('../adapters/sync/check');
      exitWith(
        await checkAgency(
          { file, ...o },
          { ...settings.environment },
          {
            startDemo: async (env) => (await import('../demo')).startDemo(env),
            // Live sources: composed with the built-in subgraphs, one operation of each called.
            checkLive: async (config, env) => (await import('./live')).checkLive(config, env, settings),
          },
        ),
      );
    });

  program
    .command('token')
    .description("mint a development token for the explorer's Authorization header (HS256 secret only)")
    .addOption(
      new Option('--role <role>', 'the role (required)')
        .choices(['staff', 'coordinator', 'analyst'])
        .makeOptionMandatory(),
    )
    .option('--agency <agencyId>', 'the agency of a staff token (required for staff)')
    .option('--sub <user>', 'the subject (default: a development user)')
    .option('--expires <duration>', 'lifetime, e.g. 15m, 8h (at most MADOGUCHI_JWT_MAX_LIFETIME)', duration, '8h')
    .action(
      async (o: { role: 'staff' | 'coordinator' | 'analyst'; agency?: string; sub?: string; expires: string }) => {
        exitWith(await (await import('./token')).runToken(o));
      },
    );

  program
    .command('compose')
    .description(
      'compose gateway/supergraph.graphql from the subgraphs and print breaking, dangerous and safe changes (npm run compose)',
    )
    .option('--check', 'write nothing: exit 1 when the committed supergraph is stale', false)
    .option(
      '--against <rev>',
      'with --check: also fail on breaking changes since this git revision not acknowledged in CHANGELOG.md (default: none)',
    )
    .action(async (o: { check: boolean; against?: string }) => {
      exitWith(await (await import('./compose')).runCompose(o));
    });

  program
    .command('prepare')
    .description(
      'prepare a first start: store template, page bundles and (demo on) the demo logs (npm install runs it)',
    )
    .action(async () => {
      exitWith(await (await import('./prepare')).runPrepare());
    });

  program
    .command('health')
    .description("ask a process's health endpoint: exit 0 when it answers 200 (the container's HEALTHCHECK)")
    .option('--url <url>', 'the endpoint', 'http://127.0.0.1:4000/healthz')
    .option('--timeout <ms>', 'give up after this long', wholeNumber, 3000)
    .action(async (o: { url: string; timeout: number }) => {
      try {
        const res = await fetch(o.url, { signal: AbortSignal.timeout(o.timeout) });
        await res.arrayBuffer();
        if (res.status !== 200) console.error(`${o.url}: HTTP ${res.status}`);
        exitWith(res.status === 200 ? 0 : 1);
      } catch (e) {
        console.error(`${o.url}: ${(e as Error).message}`);
        exitWith(1);
      }
    });

  const settings = program.command('settings').description('the settings every process reads');
  settings
    .command('docs')
    .description('write docs/configuration.md and .env.example from the settings schema')
    .option('--check', 'write nothing; exit 1 when either file differs from the schema', false)
    .action(async (o: { check: boolean }) => {
      exitWith(await (await import('./settingsDocs')).runSettingsDocs(o));
    });

  const hooks = program.command('webhooks').description("the desk's signed webhooks");
  hooks
    .command('rekey')
    .description(
      'after MADOGUCHI_IDENTITY_SECRET changed: re-seal every webhook secret from the old key to the current one, in one transaction, and enable again those disabled only for that',
    )
    .option(
      '--from-secret-env <variable>',
      'the environment variable holding the previous MADOGUCHI_IDENTITY_SECRET, never the secret itself (this or --from-secret-stdin is required)',
    )
    .option('--from-secret-stdin', 'read the previous MADOGUCHI_IDENTITY_SECRET from stdin instead', false)
    .option('--json', 'print one JSON document', false)
    .action(async (o: { fromSecretEnv?: string; fromSecretStdin: boolean; json: boolean }) => {
      exitWith(await (await import('./webhooks')).runRekey(o));
    });

  const demo = program.command('demo').description('the demo agencies beside the product');
  demo
    .command('servers')
    .description("run the demo agencies' stand-in systems (web sites, files, APIs) on loopback")
    .option('--port <port>', 'where they listen (default: MADOGUCHI_DEMO_PORT, else 4010)', port)
    .action(async (o: { port?: number }) => {
      await (await import('./demo')).runDemoServers(o);
    });
  demo
    .command('consultations')
    .description("write the demo agencies' consultation logs (seeded: the same every time)")
    .argument('[dir]', 'where (default: demo/generated/consultations)')
    .action(async (dir?: string) => {
      exitWith(await (await import('./demo')).runDemoConsultations(dir));
    });

  // Tracing (when OTEL_* asks for it) starts once the arguments are accepted and before the
  // command's modules load, named after the process: the gateway, a subgraph, the sync.
  program.hook('preAction', async (_, action) => {
    const path: string[] = [];
    for (let c: Command | null = action; c && c !== program; c = c.parent) path.unshift(c.name());
    const service =
      path[0] === 'start' || path[0] === 'gateway'
        ? 'gateway'
        : path[0] === 'subgraph'
          ? String(action.args[0])
          : path.join('-');
    (await import('./process')).startTracingEarly(service);
  });

  // Every command: an unknown flag or a missing value ends with the usage line, exit 2.
  const walk = (cmd: Command, path: string[]) => {
    const name = [...path, cmd.name()].join(' ');
    cmd.exitOverride().showHelpAfterError(`usage: ${name} ${cmd.usage()}\n(${name} --help lists every flag)`);
    for (const sub of cmd.commands) walk(sub, [...path, cmd.name()]);
  };
  walk(program, []);
  return program;
}

/** Runs the command line; usage errors exit 2, help and version 0, before any action runs. */
export async function run(argv: string[] = process.argv): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; everything else commander refuses (an unknown flag or
      // command, a missing argument or value, a bad choice, no command at all) exits 2.
      process.exit(e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2);
    }
    // A bad agency file names itself, and a data directory another process holds or PGlite cannot
    // open says which and what to do; anything else with its stack.
    const known = e instanceof Error && (e.name === 'AgencyConfigError' || e.name === 'SettingsError');
    const refused =
      e instanceof Error &&
      (e.name === 'DataDirInUseError' || e.name === 'DataDirUnusableError' || e.name === 'StoreDamagedError');
    process.stderr.write(
      `madoguchi: ${known || refused ? (e as Error).message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exit(known ? 2 : 1);
  }
}
