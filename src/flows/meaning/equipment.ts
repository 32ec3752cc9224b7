/**
 * The customer's equipment named by type, brand, place or serial — "la impresora", "la HP", "el
 * de recepción", "prn mx 0002" — matched against their own list (R002-2: the record's serial and
 * location, never a sentence stored as a serial). Word stems with one typo allowed; the item
 * matching most of the answer's words wins, a tie is no answer. A token match rather than a
 * fuzzy-search library: lists have a handful of items, and what counts is which words of the
 * answer name an item, not how alike two long strings are.
 */
import type { Equipment } from '../../domain/customers/customer.ts';
import { LANGUAGES, type Language } from '../../domain/types.ts';
import { memo, normalise, synonyms } from './lexicon.ts';
import { stemOf, tokensOf } from './stems.ts';

function compact(text: string): string {
  return normalise(text).replace(/[^a-z0-9]/g, '');
}

/** Whether two words are one edit apart (a typo), for words long enough to tell. */
function oneEditApart(a: string, b: string): boolean {
  if (Math.min(a.length, b.length) < 5 || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return (
    a.slice(i + 1) === b.slice(i + 1) ||
    a.slice(i + 1) === b.slice(i) ||
    a.slice(i) === b.slice(i + 1)
  );
}

function contentWords(text: string, language: Language): string[] {
  const stop = new Set(memo('stopwords', () => LANGUAGES.flatMap((l) => synonyms(l, 'stopwords'))));
  return tokensOf(normalise(text))
    .filter((w) => !stop.has(w))
    .map((w) => stemOf(w, language));
}

/**
 * The one item of `equipment` the answer names, or undefined: its serial typed (with or
 * without dashes or spaces), else the item whose description, location or serial shares most
 * words with the answer.
 */
export function equipmentNamed(
  raw: string,
  equipment: readonly Equipment[],
  language: Language,
): Equipment | undefined {
  const typed = compact(raw);
  if (typed.length >= 4) {
    const bySerial = equipment.filter((e) => compact(e.serial) === typed);
    if (bySerial.length === 1) return bySerial[0];
  }
  const words = contentWords(raw, language);
  if (words.length === 0) return undefined;
  let best = 0;
  let found: Equipment[] = [];
  for (const item of equipment) {
    const own = contentWords(`${item.description} ${item.location} ${item.serial}`, language);
    const shared = words.filter((w) => own.some((o) => o === w || oneEditApart(o, w))).length;
    if (shared > best) [best, found] = [shared, [item]];
    else if (shared === best && shared > 0) found.push(item);
  }
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Whether a typed answer looks like a serial number (R002-2): letters and digits, at most three
 * groups — "SN-4455-X", "ABC 12345" — never a phrase such as "la impresora".
 */
export function looksLikeSerial(raw: string): boolean {
  const text = raw.trim();
  if (text.length < 4 || text.length > 64 || !/\d/.test(text)) return false;
  const groups = text.split(/\s+/);
  return groups.length <= 3 && groups.every((g) => /^[\p{L}\p{N}][\p{L}\p{N}\-_/.#]*$/u.test(g));
}
