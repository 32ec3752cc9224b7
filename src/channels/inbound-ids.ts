import { ValidationError } from '../domain/errors.ts';

/** The longest id a network may give: the engine's own bound. */
export const MAX_ID_CHARS = 256;

/**
 * Characters an id never holds: controls (C0, C1, DEL), format characters (zero-width, bidi
 * overrides), line and paragraph separators, lone surrogates and the replacement character
 * (text that was not valid Unicode). They are refused, not removed: removing or normalising
 * would turn two ids into one, and one customer would read another's conversation.
 */
const REFUSED = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\uFFFD]/u;

/** Unicode's noncharacters (U+FDD0–U+FDEF and the last two of every plane). */
function hasNoncharacter(value: string): boolean {
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if ((code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe) return true;
  }
  return false;
}

/**
 * A network's id (`userId`, `messageId`) checked as it is: a non-empty string of at most
 * `MAX_ID_CHARS` valid characters, else `ValidationError`. Never changed: what is accepted is
 * kept exactly as it came.
 */
export function checkId(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(`"${name}" must be a non-empty string`);
  if (value.length > MAX_ID_CHARS)
    throw new ValidationError(`"${name}" must be at most ${MAX_ID_CHARS} characters`);
  if (REFUSED.test(value) || hasNoncharacter(value))
    throw new ValidationError(`"${name}" must be valid text without control characters`);
  return value;
}
