/**
 * The curated offensive-language lists of `locales/<lang>/offensive.json` (R001-8), read once
 * and expanded: each entry written once gives its gender and plural forms, without accents and
 * with repeated letters collapsed, so "estúpida", "ESTUUUPIDAS" and "estupido" are one word.
 */
import { LANGUAGES, type Language } from '../../domain/types.ts';
import offensiveEs from '../../../locales/es/offensive.json' with { type: 'json' };
import offensiveEn from '../../../locales/en/offensive.json' with { type: 'json' };
import offensivePt from '../../../locales/pt/offensive.json' with { type: 'json' };

/** Lists per country: `common` applies everywhere, a country code (`MX`) only there. */
export type CountryLists = Record<string, string[]>;

/** The shape of `locales/<lang>/offensive.json`. */
export interface OffensiveLists {
  /** Phrases aimed at someone by their words alone ("chinga tu madre", "fuck you"). */
  abuse: CountryLists;
  /** Words meant to offend a person: an insult when aimed at someone or said alone. */
  insults: CountryLists;
  /** Ordinary words that offend only when said of someone ("inútil", "useless"). */
  aimedOnly: CountryLists;
  /** Swearing mostly said as an interjection ("¡carajo!"): an insult only when aimed. */
  profanity: CountryLists;
  /** Words that point at the bot, the agent or the company ("eres", "bot", "you"). */
  addressees: string[];
  /** Words that point at the writer ("soy", "I'm"): "qué idiota soy" offends nobody. */
  self: string[];
}

const LISTS: Record<Language, OffensiveLists> = {
  es: offensiveEs as unknown as OffensiveLists,
  en: offensiveEn as unknown as OffensiveLists,
  pt: offensivePt as unknown as OffensiveLists,
};

/** The kinds of entry, strongest first: a word found as two kinds counts as the first. */
export const OFFENSIVE_KINDS = ['abuse', 'insults', 'aimedOnly', 'profanity'] as const;
export type OffensiveKindOfWord = (typeof OFFENSIVE_KINDS)[number];

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

/** Lowercase, accents folded but ñ kept ("coño" is not "cono"), apostrophes dropped ("you're"). */
function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/ñ/g, '\uE000')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/\uE000/g, 'ñ');
}

/** Letters repeated for emphasis collapsed ("estuuupida", "fuuuck"); lists are collapsed alike. */
function collapse(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

/**
 * The comparable words of a text: folded, light leetspeak undone inside words that have
 * letters ("1d10t4"), repeated letters collapsed, split on everything that is not a letter.
 * Words without letters (numbers, phones) are skipped.
 */
export function offensiveTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const raw of fold(text).split(/\s+/)) {
    if (!/\p{L}/u.test(raw)) continue;
    const plain = raw.replace(/[0134571@$]/g, (c) => LEET[c] ?? c);
    // A star inside a word stands for a letter hidden on purpose ("f*ck", "p*nd*jo").
    for (const part of plain.split(/[^\p{L}*]+/u)) {
      const word = part.replace(/^\*+|\*+$/g, '');
      if (/\p{L}/u.test(word)) tokens.push(collapse(word));
    }
  }
  return tokens;
}

/** Gender and plural forms of a word ("estupido" → estupida, estupidos, estupidas). */
function formsOf(word: string): string[] {
  const forms = new Set([word]);
  const stem = word.slice(0, -1);
  if (/[oa]$/.test(word)) for (const end of ['o', 'a', 'os', 'as']) forms.add(stem + end);
  else if (/e$/.test(word)) forms.add(`${word}s`);
  else for (const end of ['s', 'es', 'a', 'as']) forms.add(word + end);
  return [...forms];
}

/** A listed phrase as the words to find in a row, in each of its forms (the last word varies). */
function phrasesOf(entry: string): string[][] {
  const words = fold(entry)
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  const last = words.pop();
  if (last === undefined) return [];
  const head = words.map(collapse);
  return [...new Set(formsOf(last).map(collapse))].map((form) => [...head, form]);
}

/** The phrases of one kind that apply in a country (all countries when it is unknown). */
export interface CompiledLists {
  phrases: Record<OffensiveKindOfWord, string[][]>;
  addressees: Set<string>;
  self: Set<string>;
}

const compiled = new Map<string, CompiledLists>();

/**
 * The lists of every language that apply in `country`: `common` always, a country's own list
 * only there — or every country's when the country is not known yet (before identification).
 */
export function offensiveLists(country: string | null): CompiledLists {
  const key = country ?? '*';
  let lists = compiled.get(key);
  if (lists) return lists;
  const applies = (code: string) => code === 'common' || country === null || code === country;
  const phrases = {} as Record<OffensiveKindOfWord, string[][]>;
  for (const kind of OFFENSIVE_KINDS) {
    const entries = LANGUAGES.flatMap((lang) =>
      Object.entries(LISTS[lang][kind])
        .filter(([code]) => applies(code))
        .flatMap(([, words]) => words),
    );
    // Longest first: "puta madre" is one phrase, not "puta" and a mother.
    phrases[kind] = [...new Set(entries)].flatMap(phrasesOf).sort((a, b) => b.length - a.length);
  }
  lists = {
    phrases,
    addressees: new Set(LANGUAGES.flatMap((l) => LISTS[l].addressees.flatMap(offensiveTokens))),
    self: new Set(LANGUAGES.flatMap((l) => LISTS[l].self.flatMap(offensiveTokens))),
  };
  compiled.set(key, lists);
  return lists;
}

/**
 * Whether a message's word is a listed word: equal, or the same length with its stars standing
 * for letters ("f*ck") — at most half of it hidden, so "****" alone is nobody's word.
 */
export function sameWord(token: string, listed: string): boolean {
  if (token === listed) return true;
  if (!token.includes('*') || token.length !== listed.length) return false;
  const stars = token.split('*').length - 1;
  if (stars * 2 > token.length) return false;
  for (let i = 0; i < token.length; i++)
    if (token[i] !== '*' && token[i] !== listed[i]) return false;
  return true;
}
