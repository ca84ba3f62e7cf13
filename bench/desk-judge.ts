/**
 * Writes the desk's judged firms (test/support/judged-firms.json): demo firms whose need is plain
 * from their generated consultations, and the programmes a consultant would propose to each.
 * Run after a test run built the demo store (.test-cache/demo-store.tar):
 * `npx tsx bench/desk-judge.ts`.
 *
 * The judgement does not use the proposal engine. A firm's need is the topic its consultations
 * were filed under first in at least 60 % of them (at least three consultations): the demo
 * generator gives each firm a main matter per agency, and a reader of its records sees the same.
 * A programme is relevant when its agency files it under that need and the firm may use it on the
 * judging day: its area holds the firm's municipality, its employee ceiling and industries admit
 * the firm, and it is open, always available or opens within 60 days. What the engine must find
 * on its own: the need among every topic and summary of the firm's records (other matters, second
 * topics, other agencies), and the eligible programmes among all the others.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../store/store';
import { isWithin } from '../domain/municipalities';
import { programStatus } from '../domain/programStatus';
import { CACHE_DIR, FIXED_NOW, ROOT } from '../test/support/paths';
import type { ProgramRecord } from '../domain/records';
import { selectList } from '../store/tables';

const DAY = FIXED_NOW.toISOString().slice(0, 10);
const PER_NEED = 5;
const MIN_SHARE = 0.6;

interface FirmRow {
  firmId: string;
  municipalityCode: string | null;
  industry: string | null;
  employees: number | null;
  n: number;
  topic: string;
  share: number;
}

function eligible(p: ProgramRecord, f: FirmRow): boolean {
  const status = programStatus(p, DAY);
  if (status === 'CLOSED') return false;
  if (status === 'UPCOMING') {
    const soon = new Date(`${DAY}T00:00:00Z`);
    soon.setUTCDate(soon.getUTCDate() + 60);
    if (p.opensOn! > soon.toISOString().slice(0, 10)) return false;
  }
  if (p.areaCodes.length && !(f.municipalityCode && p.areaCodes.some((a) => isWithin(f.municipalityCode!, a))))
    return false;
  if (p.employeeCeiling !== null && (f.employees === null || f.employees > p.employeeCeiling)) return false;
  if (p.industries.length && !(f.industry && (p.industries as string[]).includes(f.industry))) return false;
  return true;
}

async function main(): Promise<void> {
  const store = await openStore({ loadFrom: new Blob([readFileSync(join(CACHE_DIR, 'demo-store.tar'))]) });
  const programs = await store.query<ProgramRecord>(`select ${selectList('program')} from programs`);
  // Firms with 法人番号 and their first topics; the most consulting first, as a desk meets them.
  const firms = await store.query<FirmRow>(
    `with t as (select corporate_number as firm, topics[1] as topic, count(*) as k,
                       sum(count(*)) over (partition by corporate_number) as n
                from consultations where corporate_number is not null group by 1, 2)
     select t.firm as "firmId", s.municipality_code as "municipalityCode", s.industry, s.employees,
            t.n::int as n, t.topic, (t.k / t.n)::float8 as share
     from t join firm_signals s on s.firm_id = t.firm
     where t.n >= 3 and t.k / t.n >= $1 order by t.n desc, t.firm`,
    [MIN_SHARE],
  );
  const picked = new Map<string, number>();
  const judged: Array<{ firmId: string; need: string; consultations: number; share: number; relevant: string[] }> = [];
  for (const f of firms) {
    if ((picked.get(f.topic) ?? 0) >= PER_NEED) continue;
    const relevant = programs
      .filter((p) => (p.supportFields as string[]).includes(f.topic) && eligible(p, f))
      .map((p) => p.id)
      .sort();
    if (relevant.length === 0) continue;
    picked.set(f.topic, (picked.get(f.topic) ?? 0) + 1);
    judged.push({
      firmId: f.firmId,
      need: f.topic,
      consultations: f.n,
      share: Math.round(f.share * 100) / 100,
      relevant,
    });
  }
  await store.close();
  const file = join(ROOT, 'test', 'support', 'judged-firms.json');
  writeFileSync(
    file,
    `${JSON.stringify({ day: DAY, note: 'Written by bench/desk-judge.ts; see its header for how firms and programmes were judged.', firms: judged }, null, 1)}\n`,
  );
  console.log(`${judged.length} firms judged (${[...picked].map(([t, n]) => `${t} ${n}`).join(', ')}) → ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
