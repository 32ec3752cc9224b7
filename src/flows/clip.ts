/**
 * Texts kept within a length without cutting a word in half: a subject reads "La impresora del
 * segundo piso no…" rather than "La impresora del segundo piso no imp".
 */

const ELLIPSIS = '…';

/**
 * `text` in at most `max` characters: whole as it is when it fits, else cut at the last blank
 * before the limit (or at the limit when one word is longer), trailing punctuation dropped,
 * and an ellipsis added.
 */
export function clipAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, Math.max(0, max - ELLIPSIS.length) + 1);
  const blank = room.search(/\s\S*$/);
  const cut = blank > max / 2 ? room.slice(0, blank) : room.slice(0, max - ELLIPSIS.length);
  return `${cut.replace(/[\s.,;:!?¡¿-]+$/u, '')}${ELLIPSIS}`;
}
