/**
 * R001-8: rude or offensive language, told apart from venting. What each earns (decided for
 * issue 13, see README "Fair use"):
 * - an **insult** — abuse ("chinga tu madre"), an insult aimed at the bot, the agent or the
 *   company ("eres una estúpida", "pinche bot inútil") or said alone ("pendejo") — is the R001-8
 *   warning, counted towards a suspension (R001-11);
 * - an **interjection** — swearing aimed at nobody ("¡carajo, otra vez se cayó!", "puta madre
 *   ya no sirve", "la estúpida impresora no imprime") — earns nothing: no warning, no count,
 *   and the message is read as the answer it is.
 * Whole words only (Scunthorpe: "computadora" holds no insult, "HP" is a printer).
 */
import { cleanText, MAX_MESSAGE_CHARS } from '../../domain/text.ts';
import { OFFENSIVE_KINDS, offensiveLists, offensiveTokens, sameWord } from './offensive-words.ts';

/** How far (in words) an addressee or the writer may stand from the word that concerns it. */
const WINDOW = 3;

/** What offensive language a message holds, and the words that were found. */
export interface OffensiveFinding {
  kind: 'insult' | 'interjection';
  /** The offending words as found (normalised), for the abuse record agents read. */
  words: string[];
}

interface Match {
  kind: (typeof OFFENSIVE_KINDS)[number];
  start: number;
  end: number;
}

type Phrases = Record<Match['kind'], string[][]>;

// The lists hold hundreds of phrases: look up those that start with a message's word, not all.
const byFirstWord = new WeakMap<Phrases, Record<Match['kind'], Map<string, string[][]>>>();
function indexOf(phrases: Phrases): Record<Match['kind'], Map<string, string[][]>> {
  let index = byFirstWord.get(phrases);
  if (!index) {
    index = {} as Record<Match['kind'], Map<string, string[][]>>;
    for (const kind of OFFENSIVE_KINDS) {
      const map = new Map<string, string[][]>();
      for (const p of phrases[kind]) {
        if (p.length === 0) continue;
        const list = map.get(p[0]!) ?? [];
        list.push(p);
        map.set(p[0]!, list);
      }
      index[kind] = map;
    }
    byFirstWord.set(phrases, index);
  }
  return index;
}

function matchesIn(tokens: string[], phrases: Phrases): Match[] {
  const found: Match[] = [];
  const taken = new Set<number>();
  const index = indexOf(phrases);
  for (const kind of OFFENSIVE_KINDS) {
    for (let i = 0; i < tokens.length; i++) {
      if (taken.has(i)) continue;
      // A token hiding letters behind stars ("p*ndejo") may be any phrase's first word.
      const candidates = tokens[i]!.includes('*')
        ? phrases[kind]
        : (index[kind].get(tokens[i]!) ?? []);
      const phrase = candidates.find(
        (p) =>
          p.length > 0 &&
          p.every(
            (w, k) => i + k < tokens.length && sameWord(tokens[i + k]!, w) && !taken.has(i + k),
          ),
      );
      if (!phrase) continue;
      found.push({ kind, start: i, end: i + phrase.length });
      for (let k = i; k < i + phrase.length; k++) taken.add(k);
    }
  }
  return found;
}

function near(tokens: string[], m: Match, words: Set<string>): boolean {
  const from = Math.max(0, m.start - WINDOW);
  const to = Math.min(tokens.length, m.end + WINDOW);
  for (let i = from; i < to; i++)
    if ((i < m.start || i >= m.end) && words.has(tokens[i]!)) return true;
  return false;
}

/**
 * R001-8: the offensive language of a message, or null. `country` (the customer's, when known)
 * selects the country lists; unknown, every country's applies.
 */
export function offensiveLanguage(
  raw: string,
  country: string | null = null,
): OffensiveFinding | null {
  // The guards of one turn ask this of the same message many times.
  if (last && last.raw === raw && last.country === country) return last.finding;
  const finding = findOffensiveLanguage(raw, country);
  last = { raw, country, finding };
  return finding;
}

let last: { raw: string; country: string | null; finding: OffensiveFinding | null } | null = null;

function findOffensiveLanguage(raw: string, country: string | null): OffensiveFinding | null {
  const tokens = offensiveTokens(cleanText(raw, MAX_MESSAGE_CHARS));
  if (tokens.length === 0) return null;
  const lists = offensiveLists(country);
  const matches = matchesIn(tokens, lists.phrases);
  if (matches.length === 0) return null;
  const offending = matches.reduce((n, m) => n + m.end - m.start, 0);
  // "sí, idiota", "pinche pendejo", "¡estúpida!": an insult with at most one other word is
  // said to whoever reads it.
  const alone = tokens.length - offending <= 1;
  const aimed = (m: Match): boolean => {
    if (m.kind === 'abuse') return true;
    if (near(tokens, m, lists.addressees)) return true;
    if (m.kind !== 'insults') return false;
    return alone && !near(tokens, m, lists.self);
  };
  const words = (ms: Match[]) => ms.map((m) => tokens.slice(m.start, m.end).join(' '));
  const insults = matches.filter(aimed);
  if (insults.length > 0) return { kind: 'insult', words: words(insults) };
  const venting = matches.filter((m) => m.kind !== 'aimedOnly');
  return venting.length > 0 ? { kind: 'interjection', words: words(venting) } : null;
}

/**
 * The message without the swearing aimed at nobody, so "¡carajo, no tiene luz!" is read as the
 * answer "no tiene luz"; the message as it is when it holds none (or insults someone: those
 * are never read as an answer).
 */
export function withoutInterjections(raw: string, country: string | null = null): string {
  const text = cleanText(raw, MAX_MESSAGE_CHARS);
  if (offensiveLanguage(text, country)?.kind !== 'interjection') return raw;
  // Each blank-separated word of the message and the comparable tokens it gives.
  const words = text.split(/\s+/);
  const owner: number[] = [];
  const tokens: string[] = [];
  words.forEach((word, w) => {
    for (const token of offensiveTokens(word)) {
      tokens.push(token);
      owner.push(w);
    }
  });
  const matched = new Set<number>();
  for (const m of matchesIn(tokens, offensiveLists(country).phrases)) {
    if (m.kind === 'aimedOnly') continue;
    for (let i = m.start; i < m.end; i++) matched.add(i);
  }
  // A word is dropped only when every token it gives is swearing ("¡carajo," but not "no").
  const kept = words.filter((_, w) => {
    const mine = owner.flatMap((o, i) => (o === w ? [i] : []));
    return mine.length === 0 || mine.some((i) => !matched.has(i));
  });
  return kept.join(' ').trim();
}

/** R001-8: whether a message insults someone (the warning); interjections do not count. */
export function isOffensive(raw: string, country: string | null = null): boolean {
  return offensiveLanguage(raw, country)?.kind === 'insult';
}
