/**
 * The words the understanding layer reads with: the labels of `locales/<lang>/bot.json`, the
 * word lists of `locales/<lang>/understanding.json`, and the one normalisation every comparison
 * goes through. Static data, normalised once.
 */
import type { Choice } from '../contract.ts';
import { foldAccents, MAX_MESSAGE_CHARS } from '../../domain/text.ts';
import type { Language } from '../../domain/types.ts';
import botEs from '../../../locales/es/bot.json' with { type: 'json' };
import botEn from '../../../locales/en/bot.json' with { type: 'json' };
import botPt from '../../../locales/pt/bot.json' with { type: 'json' };
import wordsEs from '../../../locales/es/understanding.json' with { type: 'json' };
import wordsEn from '../../../locales/en/understanding.json' with { type: 'json' };
import wordsPt from '../../../locales/pt/understanding.json' with { type: 'json' };

/** The shape of `locales/<lang>/understanding.json`. */
export interface UnderstandingWords {
  /** Synonyms per choice id (`yes`, `no`, `done`, `notYet`, `skip`, `technical`, …). */
  words: Record<string, string[]>;
  /** Words naming each language, in this language. */
  languages: Record<Language, string[]>;
  vagueSubjects: string[];
  keyboardMash: string[];
  /** Number words and ordinals per option number ("2": ["dos", "segunda"]). */
  numbers?: Record<string, string[]>;
}

const BOT: Record<Language, unknown> = { es: botEs, en: botEn, pt: botPt };
const WORDS: Record<Language, UnderstandingWords> = {
  es: wordsEs as UnderstandingWords,
  en: wordsEn as UnderstandingWords,
  pt: wordsPt as UnderstandingWords,
};

/** Lowercase, accents removed, punctuation and emoji turned into spaces, blanks collapsed. */
export function normalise(text: string): string {
  return foldAccents(text.slice(0, MAX_MESSAGE_CHARS))
    .replace(/[^a-z0-9ñç@+.' -]+/g, ' ')
    .replace(/[.'-]+(\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of an i18n key in `bot.json` for a language, or null when absent or not a string. */
export function labelText(language: Language, key: string): string | null {
  let node: unknown = BOT[language];
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : null;
}

/** The word lists of a language. */
export function wordsOf(language: Language): UnderstandingWords {
  return WORDS[language];
}

// The word lists and labels are static: normalise each once, not on every answer.
const normalisedLists = new Map<string, string[]>();

/** A list made once under `key` and kept: the static word lists, normalised. */
export function memo(key: string, make: () => string[]): string[] {
  let list = normalisedLists.get(key);
  if (!list) normalisedLists.set(key, (list = make()));
  return list;
}

/** The normalised synonyms of a choice id (or of a list such as `politeness`) in a language. */
export function synonyms(language: Language, id: string): string[] {
  return memo(`w:${language}:${id}`, () => (WORDS[language].words[id] ?? []).map(normalise));
}

/** The normalised label of a choice in a language (none when it takes parameters). */
export function labels(language: Language, choice: Choice): string[] {
  return memo(`l:${language}:${choice.key}`, () => {
    const text = labelText(language, choice.key);
    return text === null || text.includes('{{') ? [] : [normalise(text)];
  });
}
