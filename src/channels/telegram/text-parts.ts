/** Telegram refuses a message longer than this many characters. */
export const MAX_MESSAGE_CHARS = 4096;

/**
 * A reply's text cut into messages Telegram takes: at a line break where one is near the
 * limit, else at a space, else where the limit falls (never inside a surrogate pair).
 */
export function textParts(text: string, max = MAX_MESSAGE_CHARS): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut--;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim() !== '') parts.push(rest);
  return parts;
}
