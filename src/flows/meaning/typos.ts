/**
 * Words mistyped by one letter ("inpresora", "factrua", "cancelr") read as the word a
 * vocabulary knows, SymSpell-style: every known word is indexed under itself and each of its
 * one-letter deletions, so a lookup costs a handful of map reads — no distance computed
 * against the whole vocabulary. Deterministic: a typo that could be two different words is
 * left as it is (never guess between two).
 */

/** Words shorter than this are left alone: "mi" → "mis" would change meaning, not fix a typo. */
const MIN_LENGTH = 5;

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i += 1) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** A vocabulary that corrects a word one letter off (missing, extra, wrong or swapped). */
export class TypoFixer {
  private readonly known = new Set<string>();
  private readonly byDeletion = new Map<string, Set<string>>();

  /**
   * Learns the words of a vocabulary (normalised: lowercase, no accents); `meaning` tells
   * which words are the same for the caller (their stem), so that "impresoraa" is not left
   * unfixed for being one letter off both "impresora" and "impresoras".
   */
  constructor(
    words: Iterable<string>,
    private readonly meaning: (word: string) => string = (w) => w,
  ) {
    for (const word of words) {
      if (this.known.has(word)) continue;
      this.known.add(word);
      if (word.length < MIN_LENGTH - 1) continue;
      for (const key of [word, ...deletions(word)]) {
        let set = this.byDeletion.get(key);
        if (!set) this.byDeletion.set(key, (set = new Set()));
        set.add(word);
      }
    }
  }

  /** The known word meant: the word itself when known or unfixable, else the one it is one letter off. */
  fix(word: string): string {
    if (this.known.has(word) || word.length < MIN_LENGTH || /\d/.test(word)) return word;
    const found = new Map<string, string>();
    for (const key of [word, ...deletions(word)]) {
      for (const candidate of this.byDeletion.get(key) ?? []) {
        if (withinOne(word, candidate)) found.set(this.meaning(candidate), candidate);
      }
    }
    return found.size === 1 ? [...found.values()][0]! : word;
  }
}

/** One edit apart: a letter inserted, deleted, replaced, or two neighbours swapped. */
function withinOne(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
