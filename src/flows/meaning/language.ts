/**
 * The language a message asks for: "english", "español", "in english please", "em português",
 * "háblame en inglés". Only a message that is a language's name with words around it that ask
 * for it (`languageFiller`, courtesies) counts: "mi impresora es de inglaterra" names nothing.
 */
import { LANGUAGES, type Language } from '../../domain/types.ts';
import { normalise, synonyms, wordsOf } from './lexicon.ts';
import { tokensOf } from './stems.ts';

function names(): Map<string, Language> {
  const map = new Map<string, Language>();
  for (const lang of LANGUAGES) {
    for (const [target, words] of Object.entries(wordsOf(lang).languages)) {
      for (const w of words) map.set(normalise(w), target as Language);
    }
  }
  return map;
}
let byName: Map<string, Language> | null = null;
let fillers: Set<string> | null = null;

/** The language a normalised message asks to be spoken in, or null. */
export function languageAskedFor(normalised: string): Language | null {
  byName ??= names();
  const whole = byName.get(normalised);
  if (whole) return whole;
  fillers ??= new Set(
    LANGUAGES.flatMap((l) => [
      ...synonyms(l, 'languageFiller'),
      ...synonyms(l, 'politeness'),
    ]).flatMap((phrase) => phrase.split(' ')),
  );
  let named: Language | null = null;
  for (const token of tokensOf(normalised)) {
    const lang = byName.get(token);
    if (lang) {
      if (named && named !== lang) return null;
      named = lang;
    } else if (!fillers.has(token)) return null;
  }
  return named;
}
