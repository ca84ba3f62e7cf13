/**
 * The synonym list as data (synonyms.json) and the dictionary built from it. A query term is cut
 * at the longest dictionary words it contains (創業融資 → 創業 + 融資), each of which then stands
 * for its whole group; what lies between is searched as typed.
 */
import synonymFile from './synonyms.json';
import { foldForSearch, isWordText } from './text';

export interface SynonymDictionary {
  /** Folded word → the folded words it finds, itself first. */
  readonly expansions: ReadonlyMap<string, readonly string[]>;
  /** Words by their first character, longest first, for cutting query terms. */
  readonly byFirstChar: ReadonlyMap<string, readonly string[]>;
}

export function createSynonymDictionary(groups: readonly (readonly string[])[]): SynonymDictionary {
  const folded = groups.map((g) => [...new Set(g.map((w) => foldForSearch(w)).filter((w) => w.length > 0))]);
  const members = new Map<string, Set<string>>();
  for (const group of folded) {
    for (const word of group) {
      const set = members.get(word) ?? new Set<string>();
      for (const other of group) set.add(other);
      members.set(word, set);
    }
  }
  const expansions = new Map<string, string[]>();
  for (const [word, set] of members) expansions.set(word, [word, ...[...set].filter((w) => w !== word)]);
  const byFirstChar = new Map<string, string[]>();
  for (const word of members.keys()) {
    const list = byFirstChar.get(word[0]) ?? [];
    list.push(word);
    byFirstChar.set(word[0], list);
  }
  for (const list of byFirstChar.values()) list.sort((a, b) => b.length - a.length);
  return { expansions, byFirstChar };
}

export const DEFAULT_SYNONYMS: SynonymDictionary = createSynonymDictionary(
  (synonymFile as { groups: string[][] }).groups,
);

export type TermPart =
  | { kind: 'synonym'; word: string; alternatives: readonly string[] }
  | { kind: 'plain'; text: string };

const isLatin = (c: string | undefined) => c !== undefined && /[a-z0-9]/.test(c);

/** Cuts a folded query term into dictionary words and the plain text between them. */
export function segmentTerm(term: string, dictionary: SynonymDictionary): TermPart[] {
  const parts: TermPart[] = [];
  let plain = '';
  let i = 0;
  while (i < term.length) {
    const candidates = dictionary.byFirstChar.get(term[i]);
    const word = candidates?.find(
      (w) =>
        term.startsWith(w, i) &&
        // A Latin word must stand alone: "it" is a word in "it導入" but not inside "kit".
        !(isWordText(w[0]) && isLatin(term[i - 1])) &&
        !(isWordText(w[w.length - 1]) && isLatin(term[i + w.length])),
    );
    if (word) {
      if (plain) parts.push({ kind: 'plain', text: plain });
      plain = '';
      parts.push({ kind: 'synonym', word, alternatives: dictionary.expansions.get(word) ?? [word] });
      i += word.length;
    } else {
      plain += term[i];
      i += 1;
    }
  }
  if (plain) parts.push({ kind: 'plain', text: plain });
  return parts;
}
