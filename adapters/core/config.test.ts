import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AgencyConfigError, loadAgencyConfigs, parseAgencyConfig } from './config';

const GOOD = `
id: sample-agency
name: サンプル支援機関
sources:
  - id: programs
    kind: spreadsheet
    entity: program
    location: files/programs.csv
    encoding: shift_jis
    interval: 6h
    mapping:
      localId: 施策ID
      title: 施策名
      kind: 種別
      purposes: { column: 利用目的, split: ['/'] }
`;

function problemsOf(text: string, file = '/agencies/sample-agency.yaml', env: NodeJS.ProcessEnv = {}) {
  try {
    parseAgencyConfig(text, file, env);
  } catch (e) {
    expect(e).toBeInstanceOf(AgencyConfigError);
    expect((e as Error).message).toContain(file);
    return (e as AgencyConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('agency config', () => {
  test('a good file parses into the spreadsheet variant with defaults filled in', () => {
    const config = parseAgencyConfig(GOOD, '/agencies/sample-agency.yaml', {});
    const [source] = config.sources;
    expect(source.kind).toBe('spreadsheet');
    if (source.kind !== 'spreadsheet') throw new Error('narrowing');
    expect(source.encoding).toBe('shift_jis');
    expect(source.headerRow).toBe(1);
    expect(source.format).toBe('csv');
    expect(source.interval).toBe(6 * 3_600_000);
    expect(source.mapping.purposes).toEqual({ column: '利用目的', split: ['/'] });
    expect(config.dir).toBe(resolve('/agencies'));
  });

  test('a missing required field names its path', () => {
    const problems = problemsOf(GOOD.replace('name: サンプル支援機関\n', ''));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'name' }));
  });

  test('an unknown source kind names the discriminator and the allowed kinds', () => {
    const problems = problemsOf(GOOD.replace('kind: spreadsheet', 'kind: fax'));
    expect(problems[0].path).toBe('sources.0.kind');
    expect(problems[0].message).toMatch(/spreadsheet/);
  });

  test('a wrongly typed value says what was expected', () => {
    const problems = problemsOf(GOOD.replace('encoding: shift_jis', 'encoding: latin1'));
    expect(problems[0].path).toBe('sources.0.encoding');
    expect(problems[0].message).toMatch(/shift_jis/);
  });

  test('an unmapped required field and an unknown target field are both reported', () => {
    const problems = problemsOf(GOOD.replace('      title: 施策名\n', '      titel: 施策名\n'));
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('sources.0.mapping.titel');
    expect(paths).toContain('sources.0.mapping.title');
    expect(problems.find((p) => p.path === 'sources.0.mapping.titel')?.message).toMatch(/expected one of .*title/);
  });

  test('unknown keys are refused rather than ignored', () => {
    const problems = problemsOf(GOOD.replace('    interval: 6h', '    intervall: 6h'));
    expect(problems[0].path).toBe('sources.0');
    expect(problems[0].message).toMatch(/intervall/);
  });

  test('a bad duration and a bad slug are reported with their paths', () => {
    const problems = problemsOf(
      GOOD.replace('interval: 6h', 'interval: often').replace('id: programs', 'id: Programs!'),
    );
    expect(problems.map((p) => p.path).sort()).toEqual(['sources.0.id', 'sources.0.interval']);
  });

  test('the id must match the file name', () => {
    const problems = problemsOf(GOOD, '/agencies/other-name.yaml');
    expect(problems).toEqual([{ path: 'id', message: expect.stringContaining('other-name') }]);
  });

  test('broken YAML is reported as such', () => {
    expect(problemsOf('id: [unclosed')[0].message).toMatch(/not valid YAML/);
  });

  test('environment variables are interpolated, and a missing one is an error', () => {
    const text = GOOD.replace('files/programs.csv', '${DEMO_BASE:-http://127.0.0.1:9}/programs.csv');
    const withDefault = parseAgencyConfig(text, '/agencies/sample-agency.yaml', {});
    expect(withDefault.sources[0].location).toBe('http://127.0.0.1:9/programs.csv');
    const withEnv = parseAgencyConfig(text, '/agencies/sample-agency.yaml', { DEMO_BASE: 'https://example.jp' });
    expect(withEnv.sources[0].location).toBe('https://example.jp/programs.csv');
    const problems = problemsOf(GOOD.replace('files/programs.csv', '${NOT_SET}/x.csv'));
    expect(problems[0]).toEqual({ path: 'sources.0.location', message: 'environment variable NOT_SET is not set' });
  });

  test('a layout supplies settings and mapping, which the source may override; a missing one is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-config-'));
    mkdirSync(join(dir, 'layouts'));
    writeFileSync(
      join(dir, 'layouts', 'net.yaml'),
      'entity: program\nencoding: shift_jis\nmapping:\n  localId: ID\n  title: 名称\n  kind: 種別\n',
    );
    writeFileSync(
      join(dir, 'a-one.yaml'),
      'id: a-one\nname: A\nsources:\n  - id: p\n    kind: spreadsheet\n    layout: net\n    location: p.csv\n    mapping:\n      title: 施策名\n',
    );
    const [config] = loadAgencyConfigs(dir, {});
    expect(config.sources[0].mapping).toEqual({ localId: 'ID', title: '施策名', kind: '種別' });
    expect(config.sources[0].kind === 'spreadsheet' && config.sources[0].encoding).toBe('shift_jis');
    writeFileSync(
      join(dir, 'b-two.yaml'),
      'id: b-two\nname: B\nsources:\n  - id: p\n    kind: spreadsheet\n    layout: nope\n    location: p.csv\n',
    );
    expect(() => loadAgencyConfigs(dir, {})).toThrow(/b-two\.yaml[\s\S]*sources\.0\.layout: layout "nope"/);
  });

  test('the agencies shipped with the project all validate', () => {
    const configs = loadAgencyConfigs(resolve(__dirname, '..', '..', 'agencies'), {});
    expect(configs.length).toBeGreaterThanOrEqual(22);
    expect(configs.flatMap((c) => c.sources).every((s) => Object.keys(s.mapping).length >= 3)).toBe(true);
  });
});
