/**
 * The judged queries' loader (test/support/judged-queries.ts) refuses a judged file it cannot read
 * as judged data, naming the file and the place, so a slip in the JSON cannot quietly change the
 * quality figures.
 */
import data from '../support/judged-queries.json';
import { KEYWORD_QUERIES, loadJudgedQueries, SENTENCE_QUERIES } from '../support/judged-queries';

const base = () => structuredClone(data) as { sets: Record<string, string[]>; keyword: Array<Record<string, unknown>> };

describe('judged queries file', () => {
  it('expands every set into programme ids only', () => {
    for (const q of [...KEYWORD_QUERIES, ...SENTENCE_QUERIES]) {
      expect(q.relevant.length).toBeGreaterThan(0);
      expect(q.relevant.filter((id) => !/^[a-z0-9-]+:[A-Za-z0-9-]+$/.test(id))).toEqual([]);
    }
    expect(SENTENCE_QUERIES.every((q) => q.style === 'sentence' && q.note === `sentence: ${q.need}`)).toBe(true);
  });

  it('refuses an unknown set, naming the query', () => {
    const raw = base();
    raw.keyword[0].relevant = ['@no-such-set'];
    expect(() => loadJudgedQueries(raw, 'judged.json')).toThrow(
      /judged\.json: keyword\[0\] \(.+\): no set named no-such-set/,
    );
  });

  it('refuses a set that refers to itself', () => {
    const raw = base();
    raw.sets.loops = ['a:B-1', '@loops'];
    raw.keyword[0].relevant = ['@loops'];
    expect(() => loadJudgedQueries(raw, 'judged.json')).toThrow(/set loops refers to itself/);
  });

  it('refuses an entry that is neither a programme id nor a set, and an unknown field', () => {
    const raw = base();
    raw.keyword[0].relevant = ['創業'];
    expect(() => loadJudgedQueries(raw, 'judged.json')).toThrow(/judged\.json: .*programme id/s);
    const extra = base();
    extra.keyword[0].relevent = ['a:B-1'];
    expect(() => loadJudgedQueries(extra, 'judged.json')).toThrow(/judged\.json: .*relevent/s);
  });
});
