/**
 * The vocabulary of the settings schema (./settings.ts): the kinds of value a setting takes, each
 * a zod schema over the variable's text that says what it expects in the error a bad value gets,
 * and the shape of one declaration.
 */
import { z } from 'zod';

export type Mode = 'development' | 'production';

/** How a variable's text is read: a zod schema from the text to the value, and what it expects in words. */
export interface Kind<T> {
  schema: z.ZodType<T, string>;
  expects: string;
}

function kind<T>(expects: string, schema: z.ZodType<T, string>): Kind<T> {
  return { expects, schema };
}

export const DURATION_EXPECTS = 'a duration such as 300, 15m, 8h or 1d';

/** Seconds of a duration written 90, "90s", "15m", "8h" or "1d"; undefined for anything else. */
export function durationSeconds(text: string): number | undefined {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text);
  return m ? Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2]]! : undefined;
}

/** Refines a text into a value, or reports what was expected. */
export function readAs<T>(expects: string, read: (text: string) => T | undefined): Kind<T> {
  return kind(
    expects,
    z.string().transform((text, ctx) => {
      const value = read(text);
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: expects });
        return z.NEVER;
      }
      return value;
    }),
  );
}

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  on: true,
  off: false,
  yes: true,
  no: false,
};

/** The kinds of value settings take; each says what it expects in the error a bad value gets. */
export const kinds = {
  boolean: () => readAs('true/false, 1/0, on/off or yes/no', (t) => BOOLEAN_WORDS[t.toLowerCase()]),
  integer: (min = 0, max = Number.MAX_SAFE_INTEGER) =>
    readAs(
      max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`,
      (t) => {
        if (!/^\d+$/.test(t)) return undefined;
        const n = Number(t);
        return n >= min && n <= max ? n : undefined;
      },
    ),
  number: (min = 0) =>
    readAs(`a number of at least ${min}`, (t) => {
      const n = /^\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
      return n >= min ? n : undefined;
    }),
  /** Seconds, from 90, "90s", "15m", "8h" or "1d". */
  duration: () => readAs(DURATION_EXPECTS, durationSeconds),
  text: (pattern?: RegExp, expects = 'a non-empty text') =>
    readAs(expects, (t) => (t !== '' && (!pattern || pattern.test(t)) ? t : undefined)),
  choice: <const C extends string>(choices: readonly C[]) =>
    readAs(`one of ${choices.join(', ')}`, (t) => choices.find((c) => c === t.toLowerCase())),
  url: (protocols: string[], example: string) =>
    readAs(`a URL such as ${example}`, (t) => {
      try {
        return protocols.includes(new URL(t).protocol) ? t : undefined;
      } catch {
        return undefined;
      }
    }),
  /** At least 32 characters; never echoed back in an error. */
  secret: () => readAs('at least 32 characters', (t) => (t.length >= 32 ? t : undefined)),
  /** Comma-separated, each item read by `item`; spaces around items are dropped. */
  list: <T>(item: Kind<T>) =>
    readAs(`a comma-separated list, each ${item.expects}`, (t) => {
      const out: T[] = [];
      for (const part of t
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const r = item.schema.safeParse(part);
        if (!r.success) return undefined;
        out.push(r.data);
      }
      return out;
    }),
  /** A whole number, or `auto` for what this machine suggests (resolved by the user of the value). */
  countOrAuto: () =>
    readAs('a whole number or auto', (t) =>
      t.toLowerCase() === 'auto' ? 'auto' : /^\d+$/.test(t) ? Number(t) : undefined,
    ),
};

/** A browser origin: scheme, host and port only. */
export const originKind = readAs(
  'an origin such as https://portal.example.jp (scheme, host and port only, no path)',
  (t) => {
    try {
      const u = new URL(t);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === t ? t : undefined;
    } catch {
      return undefined;
    }
  },
);

/** A dotted path into a token's claims, e.g. `role` or `realm_access.roles`. */
export const claimPath = kinds.text(
  /^[A-Za-z0-9_:\-/]+(\.[A-Za-z0-9_:\-/]+)*$/,
  'a claim name or dotted path such as realm_access.roles',
);

/** An IPv4/IPv6 address or CIDR range, or `loopback`. */
export const proxyAddress = kinds.text(
  /^(loopback|[0-9a-fA-F:.]+(\/\d{1,3})?)$/,
  'an IP address, a CIDR range such as 10.0.0.0/8, or loopback',
);

export type Group =
  | 'Start and store'
  | 'Security'
  | 'Request limits'
  | 'Gateway'
  | 'Subgraph fetching'
  | 'Response cache'
  | 'Shared cache (Redis)'
  | 'Sync'
  | 'Desk and webhooks'
  | 'Live sources'
  | 'Logs and traces'
  | 'Demo';

export interface Setting<T = unknown, Required extends boolean = boolean> {
  /** The environment variable; for a family, its pattern with <NAME> in place of the varying part. */
  env: string;
  kind: Kind<T>;
  /** The text the value is read from when the variable is unset or empty (per mode when it depends on it). */
  default?: string | ((mode: Mode) => string);
  /** How the default reads in the docs, when it is not a plain text (computed ones). */
  defaultDoc?: string;
  doc: string;
  group: Group;
  /** A secret: never echoed, never written into .env.example with a value. */
  secret?: boolean;
  /** A family of variables (`SUBGRAPH_<NAME>_URL`): the value maps each lowercased name to its value. */
  family?: RegExp;
  /** A value for .env.example when the default is empty (commented out there). */
  example?: string;
  /** Marks whether a value always exists (has a default); not set by hand. */
  readonly required?: Required;
}

export function setting<T>(s: Setting<T> & { family: RegExp }): Setting<T, false> & { family: RegExp };
export function setting<T>(s: Setting<T> & { default: string | ((mode: Mode) => string) }): Setting<T, true>;
export function setting<T>(s: Setting<T>): Setting<T, false>;
export function setting<T>(s: Setting<T>): Setting<T> {
  return s;
}
