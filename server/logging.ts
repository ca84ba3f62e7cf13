/**
 * The one logger of a process: pino, writing JSON lines to stdout (one object a line, what log
 * collectors read), or readable lines through pino-pretty when LOG_FORMAT=pretty, or by default
 * when stdout is a terminal outside production. Nothing else writes to stdout in a server
 * process: the start line, readiness and every warning go through it.
 */
import pino, { type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { Settings } from './settings';

export type LogSettings = Pick<Settings, 'logLevel' | 'logFormat' | 'mode'>;

/** Whether lines are written for people rather than for a collector. */
export function prettyLogs(settings: LogSettings, stream: { isTTY?: boolean } = process.stdout): boolean {
  if (settings.logFormat !== 'auto') return settings.logFormat === 'pretty';
  return settings.mode !== 'production' && stream.isTTY === true;
}

/** The logger; `fd` 2 for commands whose stdout is their output (a token, a report). */
export function createLogger(settings: LogSettings, bindings: Record<string, unknown> = {}, fd: 1 | 2 = 1): Logger {
  const options = { level: settings.logLevel, base: { pid: process.pid, ...bindings } };
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (!prettyLogs(settings, stream)) return pino(options, pino.destination({ fd, sync: true }));
  return pino(
    options,
    PinoPretty({
      destination: fd,
      colorize: stream.isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
      sync: true,
    }),
  );
}
