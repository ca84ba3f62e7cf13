/**
 * docs/configuration.md and .env.example, written from SETTINGS (`npm run settings:docs`): the
 * reference and the example file cannot say other than what the parser does, and a test fails
 * when the committed files differ from what this writes.
 */
import { SETTINGS, type Group, type Mode, type Setting } from './settings';

const GROUP_NOTES: Partial<Record<Group, string>> = {
  'Start and store': 'Where processes listen and which store they share.',
  Security:
    'Tokens, the identity forwarded to subgraphs, browsers and proxies. Secrets are never printed; in production a missing secret stops the start.',
  'Logs and traces':
    'Logs go to stdout (JSON, or readable lines); traces are OpenTelemetry, opt-in through the standard OTEL_* variables.',
  Demo: "The demo agencies' stand-in systems, for trying Madoguchi out. Production turns them off.",
};

function entries(): Array<[string, Setting]> {
  return Object.entries(SETTINGS) as Array<[string, Setting]>;
}

function groups(): Map<Group, Array<[string, Setting]>> {
  const out = new Map<Group, Array<[string, Setting]>>();
  for (const e of entries()) out.set(e[1].group, [...(out.get(e[1].group) ?? []), e]);
  return out;
}

function defaultText(s: Setting, mode: Mode): string | undefined {
  return typeof s.default === 'function' ? s.default(mode) : s.default;
}

function defaultDoc(s: Setting): string {
  if (s.defaultDoc) return s.defaultDoc;
  const d = defaultText(s, 'development');
  return d === undefined ? 'unset' : d === '' ? 'empty' : `\`${d}\``;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderConfigurationDoc(): string {
  const lines = [
    '<!-- Generated from server/settings.ts by `npm run settings:docs`; edit the schema, not this file. -->',
    '# Configuration',
    '',
    'Every setting of every Madoguchi process is an environment variable, declared once in',
    '[`server/settings.ts`](../server/settings.ts) with what it expects, its default and what it does.',
    'Each process (`npm start`, `start:gateway`, `start:subgraph`, `sync`, `token`, …) reads them once at',
    'start, from its environment over an optional `.env` file in the folder it starts in (the',
    'environment wins; [`.env.example`](../.env.example) lists them all), and logs one start line: the mode,',
    'the store (never a password), the demo on or off, and where traces go.',
    '',
    '- **A bad value stops the start** before anything is written, naming each variable with what it',
    '  expects, with exit code 2: `MADOGUCHI_SYNC_WORKERS: expected a whole number or auto (got "abc")`.',
    '- **Booleans** accept `true`/`false`, `1`/`0`, `on`/`off` and `yes`/`no` (any case).',
    '- **An unknown `MADOGUCHI_*` variable** is reported at start with the closest known name',
    '  (`unknown setting MADOGUCHI_RESPONSE_CACH: did you mean MADOGUCHI_RESPONSE_CACHE?`).',
    '- **Empty** is the same as unset: the default applies.',
    '- **Production** (`NODE_ENV=production`) refuses development secrets and has other defaults where',
    '  the table says so (the demo off, introspection for signed-in callers only).',
    '- Agency files may name further variables of their own (`${JNET21_CSV}`, an API key): those are',
    "  read from the same environment and are documented by the agency's file, not here.",
    '',
    '## Adding a setting',
    '',
    'One entry in `SETTINGS` in `server/settings.ts`: its name, the variable, a kind from `kinds`',
    '(boolean, integer, number, duration, text, choice, url, secret, list), the default as you would',
    'type it, its group and one sentence for this page. The value is then `settings.<name>` wherever',
    'the settings are passed (every entry point parses them once and hands them down; no other code',
    'reads the environment). Run `npm run settings:docs` to rewrite this page and `.env.example`; a test',
    'fails while they differ from the schema.',
    '',
  ];
  for (const [group, list] of groups()) {
    lines.push(`## ${group}`, '');
    if (GROUP_NOTES[group]) lines.push(GROUP_NOTES[group]!, '');
    lines.push('| variable | default | expects | what it does |', '| --- | --- | --- | --- |');
    for (const [, s] of list)
      lines.push(
        `| \`${s.env}\` | ${cell(defaultDoc(s))} | ${cell(s.kind.expects)}${s.secret ? ' (secret)' : ''} | ${cell(s.doc)} |`,
      );
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Wraps a sentence into `# ` comment lines of at most ~96 columns. */
function comment(text: string): string[] {
  const out: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > 96) {
      out.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  out.push(line);
  return out;
}

export function renderEnvExample(): string {
  const lines = [
    '# Madoguchi settings: copy to .env and change what you need (the environment wins over this file).',
    '# Generated from server/settings.ts by `npm run settings:docs`; docs/configuration.md explains each.',
    '# Lines left commented out keep their default.',
    '',
  ];
  for (const [group, list] of groups()) {
    lines.push(`# --- ${group} ---`, '');
    for (const [, s] of list) {
      lines.push(...comment(s.doc));
      const d = defaultText(s, 'development');
      const name = s.family ? s.env.replace('<NAME>', 'PROGRAMS') : s.env;
      if (s.secret) {
        lines.push('# A secret: at least 32 random characters (openssl rand -base64 48); never commit it.');
        lines.push(`# ${name}=`);
      } else if (d !== undefined && d !== '' && typeof s.default !== 'function') lines.push(`# ${name}=${d}`);
      else {
        lines.push(...comment(`Default: ${defaultDoc(s).replace(/`/g, '')}.`));
        lines.push(`# ${name}=${s.example ?? ''}`);
      }
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
