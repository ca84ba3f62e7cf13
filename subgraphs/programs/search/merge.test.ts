import { createSearchIndex, type IndexableProgram, type SearchRequest } from '.';
import { MERGED_SEGMENT_DOCS, mergeGroups } from './merge';
import type { Segment } from './segment';

const TODAY = '2026-11-25';

// A catalogue of many small sources whose titles and summaries share words, so that a word's
// postings span sources and ties between equal scores are common.
const WORDS = [
  '創業',
  '融資',
  '補助金',
  '販路開拓',
  '事業承継',
  '相談',
  'IT導入',
  '設備',
  '人材育成',
  '展示会',
  '海外',
];
const KINDS: Array<IndexableProgram['kind']> = ['SUBSIDY', 'LOAN', 'CONSULTATION', 'SEMINAR'];
const FIELDS: Array<IndexableProgram['supportFields'][number]> = ['STARTUP', 'FINANCE', 'SALES', 'SUCCESSION'];
const AREAS = [[], ['280003'], ['281000'], ['131164'], ['000000']];

function catalogue(): IndexableProgram[] {
  const records: IndexableProgram[] = [];
  let n = 0;
  for (let s = 0; s < 23; s++) {
    for (let i = 0; i < 3 + ((s * 7) % 19); i++) {
      n++;
      const w = (k: number) => WORDS[(n * k + s) % WORDS.length];
      records.push({
        id: `p${String(s).padStart(2, '0')}:${i}`,
        providerId: `p${String(s).padStart(2, '0')}`,
        sourceId: `p${String(s).padStart(2, '0')}/programs`,
        title: `${w(3)}${w(5)}支援`,
        titleKana: null,
        summary: `${w(7)}と${w(11)}のための制度です。`,
        body: n % 3 ? `${w(13)}を行う事業者` : null,
        kind: KINDS[n % KINDS.length],
        supportFields: [FIELDS[n % FIELDS.length], FIELDS[(n + s) % FIELDS.length]],
        purposes: n % 2 ? ['販路拡大'] : [],
        areaCodes: AREAS[(n + s) % AREAS.length],
        areaText: null,
        industries: n % 5 ? [] : ['E'],
        employeeCeiling: n % 4 ? null : 20,
        eligibilityText: null,
        opensOn: n % 2 ? '2026-10-01' : null,
        closesOn: n % 2 ? (n % 3 ? '2026-12-20' : '2026-11-01') : null,
        publishedStatus: n % 7 === 0 ? 'CLOSED' : n % 5 === 0 ? 'OPEN' : null,
      });
    }
  }
  return records;
}

const REQUESTS: SearchRequest[] = [
  { text: '創業', today: TODAY },
  { text: '創業 融資', today: TODAY, limit: 50 },
  { text: '販路開拓したい', today: TODAY, filter: { kinds: ['SUBSIDY'] } },
  { text: '', today: TODAY, filter: { supportFields: ['FINANCE'] }, limit: 100 },
  { text: '', today: TODAY, filter: { municipalityCode: '281107', employees: 30 }, offset: 20 },
  { text: '設備 海外', today: TODAY, sort: 'CLOSING_DATE' },
  { text: '神戸市で事業承継の相談', today: TODAY },
  { text: 'IT導入 xyzzy', today: TODAY },
  { text: '補助金', today: TODAY, understand: false, filter: { status: ['OPEN', 'UPCOMING'] } },
];

test('a merged index answers exactly as its sources’ own segments do: hits, scores, order, totals, facets', () => {
  const merged = createSearchIndex(catalogue());
  // Replacing no source gives the same programmes read from the sources' segments.
  const separate = merged.withSources(new Map());
  expect(merged.stats()).toMatchObject({ segments: 23, merged: 1 });
  expect(merged.isMerged).toBe(true);
  expect(separate.isMerged).toBe(false);
  for (const request of REQUESTS) {
    const a = merged.search(request);
    expect(a.total).toBeGreaterThan(0);
    expect(a).toEqual(separate.search(request));
  }
  const program = catalogue()[40];
  expect(merged.alternatives(program, { first: 8, today: TODAY })).toEqual(
    separate.alternatives(program, { first: 8, today: TODAY }),
  );
  expect(merged.providersFor({ need: '融資', today: TODAY, first: 5 })).toEqual(
    separate.providersFor({ need: '融資', today: TODAY, first: 5 }),
  );
});

test('after a sync the changed source is searched at once, and merging again changes no answer', async () => {
  const records = catalogue();
  const before = createSearchIndex(records);
  const changed = records
    .filter((r) => r.sourceId === 'p05/programs')
    .map((r, i) => (i === 0 ? { ...r, title: '鰻養殖の支援' } : r));
  const after = before.withSources(new Map([['p05/programs', changed]]));
  expect(after.isMerged).toBe(false);
  expect(after.search({ text: '鰻養殖', today: TODAY }).hits.map((h) => h.id)).toEqual(['p05:0']);
  const remerged = await after.mergedInSteps();
  expect(remerged.isMerged).toBe(true);
  // A fresh index over the changed catalogue answers the same.
  const fresh = createSearchIndex([...records.filter((r) => r.sourceId !== 'p05/programs'), ...changed]);
  for (const request of REQUESTS) expect(remerged.search(request)).toEqual(fresh.search(request));
});

test('merged segments hold at most MERGED_SEGMENT_DOCS programmes, sources kept whole and in order', () => {
  const fake = (sourceId: string, size: number) => ({ sourceId, size }) as Segment;
  const parts = [fake('a', 40_000), fake('b', 20_000), fake('c', 10_000), fake('d', 70_000), fake('e', 1)];
  const groups = mergeGroups(parts).map((g) => g.map((s) => s.sourceId));
  expect(groups).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
  expect(40_000 + 20_000).toBeLessThanOrEqual(MERGED_SEGMENT_DOCS);
});
