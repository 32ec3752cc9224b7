/**
 * Text understanding for the conversation flows: turns what a customer typed into a choice id,
 * or an identifier (account/contract number, e-mail, phone). The fair-use checks (offensive,
 * nonsense, vague) are in `fair-use/`.
 * Pure and total: any string — 10 kB, empty, emoji, control characters, HTML — gives an answer,
 * never an exception. Every word list lives in `locales/<lang>/understanding.json`; every label
 * matched comes from `locales/<lang>/bot.json`, so no language is hard-coded here.
 */
import type { Choice } from './contract.ts';
import { ACCOUNT_CODE_RULES } from '../domain/account-proof/account-code-rules.ts';
import { normaliseEmail, normalisePhone } from '../domain/customers/customer.ts';
import { cleanText, foldAccents, MAX_MESSAGE_CHARS } from '../domain/text.ts';
import { LANGUAGES, type Language } from '../domain/types.ts';
import botEs from '../../locales/es/bot.json' with { type: 'json' };
import botEn from '../../locales/en/bot.json' with { type: 'json' };
import botPt from '../../locales/pt/bot.json' with { type: 'json' };
import wordsEs from '../../locales/es/understanding.json' with { type: 'json' };
import wordsEn from '../../locales/en/understanding.json' with { type: 'json' };
import wordsPt from '../../locales/pt/understanding.json' with { type: 'json' };

/** The shape of `locales/<lang>/understanding.json`. */
export interface UnderstandingWords {
  /** Synonyms per choice id (`yes`, `no`, `done`, `notYet`, `skip`, `technical`, …). */
  words: Record<string, string[]>;
  /** Words naming each language, in this language. */
  languages: Record<Language, string[]>;
  vagueSubjects: string[];
  keyboardMash: string[];
}

const BOT: Record<Language, unknown> = { es: botEs, en: botEn, pt: botPt };
const WORDS: Record<Language, UnderstandingWords> = {
  es: wordsEs as UnderstandingWords,
  en: wordsEn as UnderstandingWords,
  pt: wordsPt as UnderstandingWords,
};

/** R001-4: longest description or steps kept for a case. */
export const MAX_DESCRIPTION_CHARS = 2_000;
/** Longest subject, name, serial or address kept. */
export const MAX_SHORT_CHARS = 200;

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
function memo(key: string, make: () => string[]): string[] {
  let list = normalisedLists.get(key);
  if (!list) normalisedLists.set(key, (list = make()));
  return list;
}

function synonyms(language: Language, id: string): string[] {
  return memo(`w:${language}:${id}`, () => (WORDS[language].words[id] ?? []).map(normalise));
}

function labels(language: Language, choice: Choice): string[] {
  return memo(`l:${language}:${choice.key}`, () => {
    const text = labelText(language, choice.key);
    return text === null || text.includes('{{') ? [] : [normalise(text)];
  });
}

/**
 * Which of the offered choices a free-text answer means, or null when none or more than one:
 * the option number ("2"), the label in the conversation's language, or a synonym from
 * understanding.json ("sí", "claro", "todavía no", …). Other languages are tried last, so a
 * Portuguese "sim" still counts in a Spanish conversation.
 */
export function matchChoice(
  raw: string,
  choices: readonly Choice[],
  language: Language,
): string | null {
  const text = normalise(cleanText(raw, MAX_SHORT_CHARS));
  if (text === '') return null;
  const number = /^(\d{1,2})$/.exec(text);
  if (number) {
    const picked = choices[Number(number[1]) - 1];
    if (picked) return picked.id;
  }
  const order = [language, ...LANGUAGES.filter((l) => l !== language)];
  for (const lang of order) {
    const exact = choices.filter(
      (c) => labels(lang, c).includes(text) || synonyms(lang, c.id).includes(text),
    );
    if (exact.length === 1) return exact[0]!.id;
    if (exact.length > 1) return null;
  }
  // "sí, ya lo conecté": the first words decide when they are a synonym of exactly one choice.
  for (const lang of order) {
    const leading = choices.filter((c) =>
      [...synonyms(lang, c.id), ...labels(lang, c)].some(
        (w) => w.length > 0 && text.startsWith(`${w} `),
      ),
    );
    if (leading.length === 1) return leading[0]!.id;
  }
  return null;
}

/** The language a text names ("English", "português"), in any of the three languages. */
export function namedLanguage(raw: string): Language | null {
  const text = normalise(cleanText(raw, MAX_SHORT_CHARS));
  if (text === '') return null;
  for (const lang of LANGUAGES) {
    for (const [target, words] of Object.entries(WORDS[lang].languages)) {
      if (memo(`n:${lang}:${target}`, () => words.map(normalise)).includes(text)) {
        return target as Language;
      }
    }
  }
  return null;
}

/**
 * Whether a whole message asks for a human ("agente", "quiero hablar con una persona", "talk to
 * a human", "falar com um atendente"), in any of the three languages. Only the whole message
 * counts: "otra persona usa la impresora" describes a fault, it does not ask for anyone.
 */
export function asksForPerson(raw: string): boolean {
  // Guards ask this of the same message many times in one turn.
  if (lastPersonCheck?.raw === raw) return lastPersonCheck.asks;
  const asks = asksForPersonNow(raw);
  lastPersonCheck = { raw, asks };
  return asks;
}

let lastPersonCheck: { raw: string; asks: boolean } | null = null;

function asksForPersonNow(raw: string): boolean {
  const text = normalise(cleanText(raw, MAX_SHORT_CHARS));
  if (text === '') return false;
  return LANGUAGES.some((lang) => {
    const core = withoutPoliteness(text, synonyms(lang, 'politeness'));
    return (
      synonyms(lang, 'person').includes(core) || synonyms(lang, 'personRequest').includes(core)
    );
  });
}

/** The text without leading or trailing courtesies ("hola", "por favor", "please"). */
function withoutPoliteness(text: string, courtesies: string[]): string {
  let core = text;
  for (let changed = true; changed;) {
    changed = false;
    for (const w of courtesies) {
      if (core.startsWith(`${w} `)) core = core.slice(w.length + 1);
      else if (core.endsWith(` ${w}`)) core = core.slice(0, -w.length - 1);
      else continue;
      changed = true;
    }
  }
  return core;
}

/** An identifier found in free text, for `findCustomer` (R004-1). */
export interface Identifier {
  by: 'account' | 'email' | 'phone';
  value: string;
}

const EMAIL = /[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*\.[a-z]{2,24}/i;
const ACCOUNT = /\b[a-z]{2,4}(?:-[a-z0-9]{1,12}){1,4}\b/gi;
const PHONE = /\+?\d[\d ().-]{6,22}\d/g;

/** Whether a text is one syntactically valid e-mail address. */
export function isEmail(raw: string): boolean {
  const text = cleanText(raw, MAX_SHORT_CHARS);
  const m = EMAIL.exec(text);
  return m !== null && m[0].length === text.length;
}

/** Digits-only phone when a text holds 8–15 digits (after the +52 1 / +54 9 normalisation). */
export function phoneIn(raw: string): string | null {
  const text = cleanText(raw, MAX_SHORT_CHARS);
  for (const m of text.match(PHONE) ?? []) {
    const digits = m.replace(/\D/g, '');
    if (digits.length >= 8 && digits.length <= 15) return normalisePhone(m);
  }
  return null;
}

/**
 * The first identifier in a text: an e-mail, an account or contract number ("MX-1001",
 * "CT-MX-2024-001", or 4–7 bare digits), or a phone (8–15 digits).
 */
export function findIdentifier(raw: string): Identifier | null {
  const text = cleanText(raw, MAX_SHORT_CHARS * 2);
  const email = EMAIL.exec(text);
  if (email) return { by: 'email', value: normaliseEmail(email[0]) };
  for (const m of text.match(ACCOUNT) ?? []) {
    if (/\d/.test(m)) return { by: 'account', value: m.toUpperCase() };
  }
  const phone = phoneIn(text);
  if (phone) return { by: 'phone', value: phone };
  const bare = /(?:^|\s|#)(\d{4,7})(?:$|\s|[.,;])/.exec(text);
  if (bare) return { by: 'account', value: bare[1]! };
  return null;
}

/** Longest name kept, and most words in one ("María de los Ángeles Fernández de la Torre"). */
const MAX_NAME_CHARS = 100;
const MAX_NAME_WORDS = 10;

/**
 * A person's name as typed ("Laura Méndez", "O'Brien", "José-Luis", "Ma. Fernanda"), or null
 * when the answer cannot be a name: markup or script ("<script>alert(1)</script>"), a URL, an
 * e-mail, digits, code symbols, fewer than two letters, or too long to be one.
 */
export function personName(raw: string): string | null {
  if (typeof raw !== 'string' || /[<>{}[\]()=;\\/|@#$%*_+`~^&]|:\/\/|www\./i.test(raw)) return null;
  const text = cleanText(raw, MAX_NAME_CHARS + 1);
  if (text.length > MAX_NAME_CHARS || text.split(/\s+/).length > MAX_NAME_WORDS) return null;
  return /^[\p{L}\p{M}][\p{L}\p{M} '’.,-]*$/u.test(text) && /\p{L}.*\p{L}/u.test(text)
    ? text
    : null;
}

/**
 * The one-time code in an answer (issue 12), typed as it comes — "123456", "123 456",
 * "123-456", "mi código es 123 456" — as its digits; null when there is no run of exactly the
 * code's digits, or more than one.
 */
export function typedCode(raw: string, digits = ACCOUNT_CODE_RULES.digits): string | null {
  const text = cleanText(raw, MAX_SHORT_CHARS);
  const found = (text.match(/\d(?:[ .-]?\d)*/g) ?? [])
    .map((run) => run.replace(/\D/g, ''))
    .filter((run) => run.length === digits);
  return found.length === 1 ? found[0]! : null;
}
