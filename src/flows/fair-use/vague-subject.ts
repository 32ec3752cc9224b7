/** R001-2: telling a subject too vague to tell one fault from another. */
import { cleanText } from '../../domain/text.ts';
import { LANGUAGES, type Language } from '../../domain/types.ts';
import { MAX_SHORT_CHARS, normalise, wordsOf } from '../understanding.ts';

/** R001-2: a subject too short or too vague ("no sirve") to tell one fault from another. */
export function isVagueSubject(raw: string, language: Language): boolean {
  const text = normalise(cleanText(raw, MAX_SHORT_CHARS));
  if (text.replace(/[^a-z0-9ñç]/g, '').length < 10) return true;
  const vague = [language, ...LANGUAGES].flatMap((l) => wordsOf(l).vagueSubjects.map(normalise));
  const withoutPoliteness = text.replace(/\b(por favor|please|por favor ayuda)\b/g, '').trim();
  return vague.includes(text) || vague.includes(withoutPoliteness);
}
