/**
 * もしかして (did you mean): for each word searched that is written in kana only, or that no
 * programme has, the catalogue's words read that way or one edit away.
 */
import type { IndexCore } from './core';
import type { QueryPlan } from './plan';
import { foldForSearch, queryTokensOf } from './text';
import { MAX_SUGGESTIONS } from './vocabulary';

export function suggestionsFor(core: IndexCore, plan: QueryPlan, relaxedWords: readonly string[]): string[] {
  const words = new Set(relaxedWords);
  for (const term of plan.spelling) {
    const folded = foldForSearch(term);
    const unknown = queryTokensOf(folded).some((t) => core.lookup(t).df === 0);
    if (unknown || /^[\u3041-\u309f]+$/.test(folded)) words.add(term);
  }
  if (!words.size) return [];
  const vocabulary = core.vocabulary();
  return [...new Set([...words].flatMap((w) => vocabulary.suggest(w)))].slice(0, MAX_SUGGESTIONS);
}
