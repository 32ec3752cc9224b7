/**
 * The option a customer names by its number: "2", "2.", "#2", "la 2", "opción dos", "la
 * segunda", "option 2", "a segunda". Only a number with words that name an option around it
 * counts, so "el de las 14" or "tengo 2 impresoras" are not an option number. Number words and
 * the words around them are in `locales/<lang>/understanding.json` (`numbers`, `optionFiller`).
 */
import { LANGUAGES } from '../../domain/types.ts';
import { normalise, synonyms, wordsOf } from './lexicon.ts';
import { tokensOf } from './stems.ts';

let numberWords: Map<string, number> | null = null;
function numberOfWord(word: string): number | null {
  if (/^\d{1,2}$/.test(word)) return Number(word);
  if (!numberWords) {
    numberWords = new Map();
    for (const lang of LANGUAGES) {
      for (const [n, words] of Object.entries(wordsOf(lang).numbers ?? {})) {
        for (const w of words) numberWords.set(normalise(w), Number(n));
      }
    }
  }
  return numberWords.get(word) ?? null;
}

let fillers: { phrases: string[]; words: Set<string> } | null = null;
function optionFillers() {
  const all = LANGUAGES.flatMap((l) => [
    ...synonyms(l, 'optionFiller'),
    ...synonyms(l, 'politeness'),
  ]);
  return { phrases: all.filter((f) => f.includes(' ')), words: new Set(all) };
}

/** The 1-based option number a normalised answer names, or null. */
export function optionNumber(normalised: string): number | null {
  fillers ??= optionFillers();
  let text = ` ${tokensOf(normalised).join(' ')} `;
  for (const phrase of fillers.phrases) text = text.split(` ${phrase} `).join(' ');
  const words = fillers.words;
  const numbers: number[] = [];
  for (const token of text.trim().split(' ').filter(Boolean)) {
    const n = numberOfWord(token);
    // "the second one": "one" names the option, not its number, when another number is there.
    if (n !== null) numbers.push(token === 'one' ? -1 : n);
    else if (!words.has(token)) return null;
  }
  const named = numbers.filter((n) => n > 0);
  if (named.length === 1) return named[0]!;
  return named.length === 0 && numbers.length === 1 ? 1 : null;
}
