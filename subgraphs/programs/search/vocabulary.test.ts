import { defaultAnalyser } from './analyser';
import { collectWords, Vocabulary } from './vocabulary';

const TEXTS = [
  '創業補助金のご案内',
  '小規模事業者持続化補助金',
  '創業資金融資の相談',
  'ものづくり補助金',
  'IT導入補助金',
  '事業承継の相談窓口',
  'デジタルトランスフォーメーション支援',
];

function counts(copies: number): Map<string, number> {
  const into = new Map<string, number>();
  for (let i = 0; i < copies; i++) for (const t of TEXTS) collectWords(t, into);
  // Distinct rare runs beyond one step's worth, so reading them takes several steps.
  for (let i = 0; i < 5_000; i++)
    collectWords(`${String.fromCodePoint(0x4e00 + (i % 2000))}${String.fromCodePoint(0x5000 + i)}`, into);
  return into;
}

describe('Vocabulary.inSteps', () => {
  const analyser = defaultAnalyser();

  test('reads the same vocabulary as the constructor, letting other work run between its steps', async () => {
    const words = counts(40);
    const atOnce = new Vocabulary(words, analyser);
    const reading = Vocabulary.inSteps(words, analyser);
    // Other work gets the event loop while the vocabulary is read (a reading done at once would
    // have settled before the next turn of the loop).
    let otherRanFirst = false;
    const between = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      otherRanFirst = true;
    });
    await Promise.race([between, reading]);
    expect(otherRanFirst).toBe(true);
    const stepped = await reading;
    expect(stepped.size).toBe(atOnce.size);
    expect(stepped.size).toBeGreaterThan(0);
    for (const word of ['ほじょきん', 'そうぎよう', '補助近', '創業', 'デジタルトランスフォメーション'])
      expect(stepped.suggest(word)).toEqual(atOnce.suggest(word));
    expect(stepped.suggest('ほじょきん')).toContain('補助金');
    expect(stepped.readAs('そうぎょう')).toEqual(atOnce.readAs('そうぎょう'));
  });
});
