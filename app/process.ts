/**
 * How every Madoguchi process begins: the settings parsed once (environment over `.env`), a bad
 * value stopping it before anything is written (exit 2, each variable named with what it
 * expects), then the development secrets where the environment gives none, the bind check, the
 * logger, a warning per unknown MADOGUCHI_* name, and the one start line: mode, store (never a
 * password), demo on/off, where traces go.
 */
import type { Logger } from 'pino';
import {
  assertSafeBind,
  parseSettings,
  resolveSecrets,
  SettingsError,
  startFields,
  type SecretNeeds,
  type Settings,
} from '../server/settings';
import { createLogger } from '../server/logging';
import { startTelemetry } from '../server/telemetry';

/** The service name a process's spans carry unless OTEL_SERVICE_NAME says otherwise. */
const SERVICE_NAMES: Record<string, string> = { embedded: 'madoguchi-gateway', gateway: 'madoguchi-gateway' };

export function serviceNameOf(service: string): string {
  return SERVICE_NAMES[service] ?? `madoguchi-${service}`;
}

/**
 * Tracing started before a command loads its modules (instrumentations patch http, undici,
 * graphql and pg as they load). A bad setting is left for `begin` to report.
 */
export function startTracingEarly(service: string): void {
  try {
    startTelemetry(parseSettings(), serviceNameOf(service));
  } catch {
    // begin() reports the settings error and exits 2.
  }
}

export interface BeginOptions {
  /** Names the process in its logs and its traces' service name (gateway, organizations, sync…). */
  service: string;
  /** The secrets it needs (a listening process: then development secrets keep it on loopback). */
  secrets?: SecretNeeds;
  /** Whether this process runs the demo, from its settings (default: it does not). */
  demo?: (settings: Settings) => boolean;
  /** Print the start line (commands that print their own output leave it at debug level). */
  quiet?: boolean;
  /** Log to stderr: the command's stdout is its output (a token, a report). */
  stderr?: boolean;
}

/** Exits 2 with the message of a settings error; rethrows anything else. */
export function exitOnSettingsError(e: unknown): never {
  if (e instanceof SettingsError || (e instanceof Error && e.name === 'SettingsError')) {
    process.stderr.write(`madoguchi: ${(e as Error).message}\n`);
    process.exit(2);
  }
  throw e;
}

export function begin(options: BeginOptions): { settings: Settings; logger: Logger } {
  let settings: Settings;
  try {
    settings = parseSettings();
    if (options.secrets) {
      settings = resolveSecrets(settings, options.secrets);
      assertSafeBind(settings);
    }
  } catch (e) {
    exitOnSettingsError(e);
  }
  // First: the instrumented modules (http, undici, graphql, pg) load after this.
  startTelemetry(settings, serviceNameOf(options.service));
  const logger = createLogger(settings, { service: options.service }, options.stderr ? 2 : 1);
  for (const w of settings.warnings) logger.warn(w);
  const fields = startFields(settings, { demo: options.demo?.(settings) ?? false });
  if (options.quiet) logger.debug(fields, `madoguchi ${options.service} starting`);
  else logger.info(fields, `madoguchi ${options.service} starting in ${settings.mode} mode`);
  return { settings, logger };
}
