/**
 * Words reduced to their stems, per language, with NLP.js's stemmers (synchronous, no
 * network): "cobraron", "cobro" and "cobrar" all become "cobr", so a word list or an utterance
 * covers the forms people write. Text is normalised first (no accents, lowercase).
 */
import { StemmerEn } from '@nlpjs/lang-en-min';
import { StemmerEs } from '@nlpjs/lang-es';
import { StemmerPt } from '@nlpjs/lang-pt';
import type { Language } from '../../domain/types.ts';
import { normalise } from './lexicon.ts';

const STEMMERS: Record<Language, { stem(tokens: string[]): string[] }> = {
  es: new StemmerEs(),
  en: new StemmerEn(),
  pt: new StemmerPt(),
};

/** The words of a normalised text ("ya lo revise" → ["ya", "lo", "revise"]). */
export function tokensOf(normalised: string): string[] {
  return normalised
    .replace(/n't\b/g, ' not')
    .replace(/[^a-z0-9ñç ]+/g, ' ')
    .split(' ')
    .filter((t) => t.length > 0);
}

// Stemming is the costly part of a turn's reading: the same words come back all the time.
const cache = new Map<string, string>();
const CACHE_LIMIT = 20_000;

/** The stem of one normalised word in a language. */
export function stemOf(word: string, language: Language): string {
  const key = `${language}:${word}`;
  let stem = cache.get(key);
  if (stem === undefined) {
    stem = /^\d+$/.test(word) ? word : (STEMMERS[language].stem([word])[0] ?? word);
    if (stem.length < 2) stem = word;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, stem);
  }
  return stem;
}

/** The stems of a raw text's words, in order. */
export function stemsOf(raw: string, language: Language): string[] {
  return tokensOf(normalise(raw)).map((w) => stemOf(w, language));
}
