/**
 * R001-10: false or nonsense reports. Only text that cannot be a report is flagged — keyboard
 * mash, one or two letters repeated, symbols or emoji alone — never data: identifiers, numbers,
 * phone numbers, case and folio numbers ("AT-2026-000001-V1"), e-mails, serials and URLs are
 * what customers are asked for, so "55 5555 0101" or "1000000" must never earn the accusation.
 */
import { cleanText, foldAccents } from '../../domain/text.ts';
import { LANGUAGES } from '../../domain/types.ts';
import { MAX_DESCRIPTION_CHARS, wordsOf } from '../understanding.ts';

/**
 * What a report-like answer is: `words` (any text a person could mean), `data` (only
 * identifiers, numbers, e-mails or URLs — honest, but no description), or `nonsense`.
 */
export type ReportText = 'words' | 'data' | 'nonsense';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const URL = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+$/i;
const VOWELS = /[aeiouy]/;

/** Letters-only tokens and the data tokens of a text (digits, e-mails, URLs). */
function tokensOf(text: string): { words: string[]; data: number } {
  const words: string[] = [];
  let data = 0;
  for (const raw of text.split(/\s+/)) {
    if (raw === '') continue;
    if (EMAIL.test(raw) || URL.test(raw) || /\d/.test(raw)) {
      data += 1;
      continue;
    }
    // "¡carajo!", "(ok)", "no-break": punctuation and emoji split words, they are not words.
    for (const part of foldAccents(raw).split(/[^\p{L}]+/u)) if (part !== '') words.push(part);
  }
  return { words, data };
}

let keyboardRuns: string[] | null = null;
function isKeyboardRun(word: string): boolean {
  keyboardRuns ??= [
    ...new Set(LANGUAGES.flatMap((l) => wordsOf(l).keyboardMash.map((m) => foldAccents(m)))),
  ];
  return keyboardRuns.some((run) => word.includes(run));
}

/** A word no language writes: a keyboard run ("asdf"), or six letters or more without vowels. */
function isMashWord(word: string): boolean {
  return isKeyboardRun(word) || (word.length >= 6 && !VOWELS.test(word));
}

/** R001-10: how a free-text report reads (see `ReportText`). Total: any string gives an answer. */
export function reportText(raw: string): ReportText {
  const { words, data } = tokensOf(cleanText(raw, MAX_DESCRIPTION_CHARS));
  if (words.length === 0) return data > 0 ? 'data' : 'nonsense';
  const letters = words.join('');
  // "aaaaaaa", "zzzz zzz", "jajajaja": one or two letters repeated is not a report.
  if (letters.length >= 4 && new Set(letters).size <= 2) return 'nonsense';
  const mash = words.filter(isMashWord).length;
  return mash * 2 >= words.length ? 'nonsense' : 'words';
}

/**
 * R001-10: a report that cannot be true text — keyboard mash, a letter repeated, nothing but
 * symbols or emoji. Identifiers, numbers and phone numbers alone are not nonsense.
 */
export function isNonsense(raw: string): boolean {
  return reportText(raw) === 'nonsense';
}
