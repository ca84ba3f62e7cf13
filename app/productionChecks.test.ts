import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionWarnings } from './productionChecks';

const base = mkdtempSync(join(tmpdir(), 'madoguchi-production-checks-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

test("the checkout's demo agency files and a development data folder are each warned about, naming the setting", () => {
  const agencies = join(base, 'demo-agencies');
  mkdirSync(agencies);
  copyFileSync(join(__dirname, '..', 'agencies', 'hyogo-iac.yaml'), join(agencies, 'hyogo-iac.yaml'));
  copyFileSync(join(__dirname, '..', 'agencies', 'ampi.yaml'), join(agencies, 'ampi.yaml'));
  const data = join(base, 'dev-data');
  mkdirSync(data);
  writeFileSync(join(data, 'secrets.json'), '{}');
  const warnings = productionWarnings({ agenciesDir: agencies, dataDir: data });
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toMatch(/^2 agency file\(s\) .* e\.g\. ampi\.yaml, hyogo-iac\.yaml: set MADOGUCHI_AGENCIES_DIR/);
  expect(warnings[1]).toMatch(/dev-data holds a development store .*set MADOGUCHI_DATA_DIR to a fresh folder/);
  // On PostgreSQL the data folder holds no store: nothing to say about it.
  expect(productionWarnings({ agenciesDir: agencies, dataDir: data, databaseUrl: 'postgres://x/y' })).toHaveLength(1);
});

test("an operator's own agencies and a fresh data folder start without a warning", () => {
  const agencies = join(base, 'own-agencies');
  mkdirSync(agencies);
  writeFileSync(
    join(agencies, 'own.yaml'),
    'id: own\nname: 自社\nsources:\n  - id: programs\n    kind: spreadsheet\n    location: https://agency.example.jp/programs.csv\n',
  );
  expect(productionWarnings({ agenciesDir: agencies, dataDir: join(base, 'fresh') })).toEqual([]);
});

test('a source on loopback outside the demo ports is not taken for the demo', () => {
  const agencies = join(base, 'local-agencies');
  mkdirSync(agencies);
  writeFileSync(
    join(agencies, 'local.yaml'),
    'id: local\nsources:\n  - location: http://127.0.0.1:8080/programs.csv\n',
  );
  writeFileSync(join(agencies, 'demo.yaml'), 'id: demo\nsources:\n  - location: http://127.0.0.1:4010/files/x.csv\n');
  const [warning] = productionWarnings({ agenciesDir: agencies, dataDir: join(base, 'fresh') });
  expect(warning).toMatch(/^1 agency file\(s\) .* e\.g\. demo\.yaml:/);
});
