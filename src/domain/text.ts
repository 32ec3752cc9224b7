/**
 * Text as customers send it, made safe to keep and easy to compare: one module for the engine
 * (every inbound message), the flows (what goes into a case) and the domain (matching names of
 * places). Pure and total: any string, however long or strange, gives an answer.
 */

/** Most characters of one customer message ever kept or looked at (hostile input: 10 kB pastes). */
export const MAX_MESSAGE_CHARS = 4_000;

/** Control characters but tab and newline. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Control characters (tab and newline excepted), zero-width and bidi marks, BOM. */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF]/g;

/**
 * A message as the engine keeps it in the transcript: control characters removed (newlines and
 * tabs kept), at most `max` characters. Nothing else changes: the customer's words stay theirs.
 */
export function sanitiseText(text: string, max = MAX_MESSAGE_CHARS): string {
  return text.replace(CONTROL, '').slice(0, max);
}

/**
 * Text made safe to keep in a case: control and zero-width characters and HTML tags dropped,
 * runs of blanks collapsed, trimmed, and capped at `max`. Newlines survive (steps to reproduce).
 */
export function cleanText(raw: unknown, max = MAX_MESSAGE_CHARS): string {
  if (typeof raw !== 'string') return '';
  return raw
    .slice(0, MAX_MESSAGE_CHARS * 2)
    .replace(INVISIBLE, '')
    .replace(/<[^>]{0,500}>/g, ' ')
    .replace(/\t/g, ' ')
    .replace(/[ ]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, max)
    .trim();
}

/** Lowercase without accents or other diacritics: "Bogotá" and "BOGOTA" compare equal. */
export function foldAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}
