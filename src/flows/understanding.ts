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
import { cleanText } from '../domain/text.ts';
import { LANGUAGES, type Language } from '../domain/types.ts';
import { choiceByMeaning, phraseInside } from './meaning/choices.ts';
export { equipmentNamed, looksLikeSerial } from './meaning/equipment.ts';
import { rankIntents } from './meaning/intents.ts';
import { languageAskedFor } from './meaning/language.ts';
import { normalise, synonyms } from './meaning/lexicon.ts';
import { tokensOf } from './meaning/stems.ts';

export { labelText, normalise, wordsOf, type UnderstandingWords } from './meaning/lexicon.ts';

/** R001-4: longest description or steps kept for a case. */
export const MAX_DESCRIPTION_CHARS = 2_000;
/** Longest subject, name, serial or address kept. */
export const MAX_SHORT_CHARS = 200;

/**
 * Which of the offered choices a free-text answer means, or null when none or more than one:
 * the option number ("2", "la segunda", "opción dos"), the label or a synonym in any language
 * (the conversation's first), yes/no and done/not-yet as people say them, the intent a triage
 * answer describes, a choice's phrase inside the answer ("por correo"), or — given the instant
 * of the message — a visit slot by its day and time ("mañana a las 9"). See `meaning/`.
 */
export function matchChoice(
  raw: string,
  choices: readonly Choice[],
  language: Language,
  at?: string,
): string | null {
  const clean = cleanText(raw, MAX_SHORT_CHARS);
  return choiceByMeaning(clean, normalise(clean), choices, language, asksForPerson, at);
}

/**
 * Issue 13, said once: the choice that text written before the question (the words that chose
 * the request) already answers — a choice's phrase inside it, not negated, one choice alone —
 * or null, and the question is asked. See `phraseInside`.
 */
export function presumedChoice(
  raw: string,
  choices: readonly Choice[],
  language: Language,
  options: { minWords?: number; list?: string } = {},
): string | null {
  return phraseInside(normalise(cleanText(raw, MAX_SHORT_CHARS * 2)), choices, language, options);
}

/**
 * The language a text asks for ("English", "in english please", "em português", "háblame en
 * español"), in any of the three languages.
 */
export function namedLanguage(raw: string): Language | null {
  const text = normalise(cleanText(raw, MAX_SHORT_CHARS));
  return text === '' ? null : languageAskedFor(text);
}

/**
 * Whether a whole message asks for a human ("agente", "quiero hablar con una persona", "talk to
 * a human", "falar com um atendente"), in any of the three languages. Only the whole message
 * counts: "otra persona usa la impresora" describes a fault, it does not ask for anyone.
 */
export function asksForPerson(raw: string): boolean {
  const text = normalise(cleanText(raw, MAX_SHORT_CHARS));
  // Guards and the answer's reading ask this of the same message many times in one turn.
  if (lastPersonCheck?.text === text) return lastPersonCheck.asks;
  const asks = asksForPersonNow(text);
  lastPersonCheck = { text, asks };
  return asks;
}

let lastPersonCheck: { text: string; asks: boolean } | null = null;

function asksForPersonNow(text: string): boolean {
  if (text === '') return false;
  const listed = LANGUAGES.some((lang) => {
    const core = withoutPoliteness(text, synonyms(lang, 'politeness'));
    return (
      synonyms(lang, 'person').includes(core) || synonyms(lang, 'personRequest').includes(core)
    );
  });
  return listed || LANGUAGES.some((lang) => classifiedAsPerson(text, lang));
}

/** A short message the classifier is sure asks for a person ("me comunica con alguien real"). */
function classifiedAsPerson(text: string, language: Language): boolean {
  if (tokensOf(text).length > PERSON_REQUEST_MAX_WORDS) return false;
  const [best, second] = rankIntents(text, language);
  return (
    best?.intent === 'person' &&
    best.score >= PERSON_MIN_SCORE &&
    best.score - (second?.score ?? 0) >= PERSON_MIN_SCORE / 2
  );
}

/** A request for a person is short: a longer message describes something. */
const PERSON_REQUEST_MAX_WORDS = 9;
/** Handing off by mistake ends the bot's help: only a sure request counts. */
const PERSON_MIN_SCORE = 0.8;

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
