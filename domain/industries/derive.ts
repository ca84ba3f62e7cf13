/**
 * Derives the project's table of industry names (jsic-names.json): every name of a division (大分類),
 * group (中分類) and class (小分類) of the Japan Standard Industrial Classification, Rev. 14
 * (日本標準産業分類 第14回改定, 総務省), with the division letter it belongs to. Agencies write
 * industries as they speak of them — 小売業, 飲食店, 建設業, 食料品製造業 — and each of those is one of
 * the classification's own names, so the table turns them into the division the graph stores.
 *
 * The input is the classification as structured JSON (kobesoft-inc/jsic-data, jsic-simple.json,
 * parsed from the ministry's PDF); pass its path:
 *   npx tsx domain/industries/derive.ts path/to/jsic-simple.json
 * The product reads only the committed output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { industryKey } from './key';

const OUTPUT_JSON = path.resolve(__dirname, 'jsic-names.json');

interface Node {
  code: string;
  name: string;
  middle_categories?: Node[];
  minor_categories?: Node[];
}

function derive(input: string): void {
  const data = JSON.parse(readFileSync(input, 'utf8')) as { major_categories: Node[] };
  const letters = new Map<string, Set<string>>();
  const add = (name: string, letter: string) => {
    const key = industryKey(name);
    if (!key) return;
    const set = letters.get(key) ?? new Set<string>();
    set.add(letter);
    letters.set(key, set);
  };
  for (const major of data.major_categories) {
    const names = [major.name];
    // A division named after two trades (卸売業、小売業) is found by either of them.
    names.push(...major.name.split(/[、，,]/));
    for (const middle of major.middle_categories ?? []) {
      names.push(middle.name);
      for (const minor of middle.minor_categories ?? []) names.push(minor.name);
    }
    for (const name of names) {
      // 「サービス業（他に分類されないもの）」 is also written without its note.
      const bare = name.replace(/[（(][^）)]*[）)]$/, '');
      for (const n of new Set([name, bare])) {
        add(n, major.code);
        // Lists of divisions often drop the closing 業 of each trade (卸売、小売 / 宿泊、飲食サービス).
        const short = n.replace(/業(?=$|[、，,])/g, '');
        if (short !== n && short.length >= 2) add(short, major.code);
      }
    }
  }
  // A name used in several divisions (管理、補助的経済活動を行う事業所) says nothing about any one.
  const table = Object.fromEntries(
    [...letters]
      .filter(([, set]) => set.size === 1)
      .map(([key, set]) => [key, [...set][0]])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  const out = {
    source:
      '日本標準産業分類 第14回改定 (総務省, https://www.soumu.go.jp/toukei_toukatsu/index/seido/sangyo/), division, group and class names, as structured in kobesoft-inc/jsic-data jsic-simple.json; names used by more than one division left out',
    keys: 'NFKC, without spaces and the commas between two trades (industryKey)',
    names: table,
  };
  writeFileSync(OUTPUT_JSON, `${JSON.stringify(out, null, 0).replace(/,"/g, ',\n"')}\n`);
  console.log(`${Object.keys(table).length} names written to ${path.relative(process.cwd(), OUTPUT_JSON)}`);
}

if (require.main === module) {
  const input = process.argv[2];
  if (!input) {
    console.error('usage: npx tsx domain/industries/derive.ts path/to/jsic-simple.json');
    process.exit(2);
  }
  derive(input);
}
