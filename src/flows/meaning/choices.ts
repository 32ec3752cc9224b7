/**
 * Which offered choice a free-text answer means — by its number, its label or a synonym, its
 * polarity (yes/no, done/not yet), the intent it describes (triage), or a phrase of a choice
 * found inside it ("por correo", "me cobraron de más"). Never a guess between two choices:
 * ambiguous is null, and the question is asked again.
 */
import type { Choice } from '../contract.ts';
import { LANGUAGES, type Language } from '../../domain/types.ts';
import { slotNamed, type SlotOffer } from './dates.ts';
import { classifyIntent } from './intents.ts';
import { labels, memo, synonyms } from './lexicon.ts';
import { optionNumber } from './numbers.ts';
import { polarityOf, stepPolarityOf, type Polarity } from './polarity.ts';
import { stemOf, tokensOf } from './stems.ts';

/** The triage intents (`triage.option.*`): read by the classifier. */
const TRIAGE_KEY = /^triage\.option\./;

/** The choice ids a polarity answers, per kind of question. */
const POLAR: Record<string, Partial<Record<Polarity, string>>> = {
  yes: { yes: 'yes', no: 'no', notYet: 'no' },
  done: { yes: 'done', no: 'notYet', notYet: 'notYet', wait: 'notYet' },
};

function inOrder(language: Language): Language[] {
  return [language, ...LANGUAGES.filter((l) => l !== language)];
}

function exactly(text: string, choices: readonly Choice[], language: Language): string | null {
  for (const lang of inOrder(language)) {
    const exact = choices.filter(
      (c) => labels(lang, c).includes(text) || synonyms(lang, c.id).includes(text),
    );
    if (exact.length === 1) return exact[0]!.id;
    if (exact.length > 1) return null;
  }
  return null;
}

function byPolarity(text: string, choices: readonly Choice[]): string | null | undefined {
  const ids = choices.map((c) => c.id);
  const kind =
    ids.includes('yes') && ids.includes('no')
      ? POLAR.yes
      : ids.includes('done') && ids.includes('notYet')
        ? POLAR.done
        : undefined;
  if (!kind) return undefined;
  const polarity = kind === POLAR.done ? stepPolarityOf(text) : polarityOf(text);
  const id = polarity ? kind[polarity] : undefined;
  return id && ids.includes(id) ? id : null;
}

let common: Set<string> | null = null;
function isCommonWord(word: string): boolean {
  common ??= new Set(
    LANGUAGES.flatMap((l) =>
      ['stopwords', 'affirmative', 'negative', 'fillers', 'optionFiller'].flatMap((list) =>
        synonyms(l, list),
      ),
    ),
  );
  return common.has(word);
}

/** A phrase's stems per language, for finding it inside an answer. */
function cueStems(lang: Language, choice: Choice, list?: string): string[][] {
  return memo(`c:${lang}:${choice.key}:${choice.id}:${list ?? ''}`, () =>
    (list
      ? synonyms(lang, `${list}.${choice.id}`)
      : [...labels(lang, choice), ...synonyms(lang, choice.id)]
    )
      // Two letters are a word here ("hp", "pc") unless they are a yes, a no or a stop word.
      .filter((phrase) => {
        const letters = phrase.replace(/[^a-z0-9ñç]/g, '').length;
        return letters >= 3 || (letters === 2 && !isCommonWord(phrase));
      })
      .map((phrase) =>
        tokensOf(phrase)
          .map((w) => stemOf(w, lang))
          .join(' '),
      ),
  ).map((joined) => joined.split(' '));
}

/** Negation words, and the small words that may stand between one and what it negates. */
interface Negation {
  words: Set<string>;
  between: Set<string>;
}

function contains(haystack: string[], needle: string[], negation?: Negation): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) if (haystack[i + j] !== needle[j]) continue outer;
    // "no me cobraron": a phrase said negated is not said (unless the phrase is the negation).
    // Only small words may stand between: "no responde, estamos parados" says stopped.
    if (negation && !negation.words.has(needle[0]!)) {
      let k = i - 1;
      while (k >= i - 3 && negation.between.has(haystack[k] ?? '')) k -= 1;
      if (negation.words.has(haystack[k] ?? '')) continue;
    }
    return true;
  }
  return false;
}

/**
 * The negative words of the conversation's language ("no", "not", "não") as stems of `lang`,
 * the language whose phrase is looked for (a Portuguese phrase may be found in a Spanish
 * message: "no estamos parados"; the Portuguese "no" is no negation: "no outlook"), and its
 * small words ("no me cobraron").
 */
function negationOf(lang: Language, language: Language): Negation {
  const stems = (list: string) =>
    new Set(
      memo(`neg:${list}:${language}:${lang}`, () =>
        synonyms(language, list).flatMap((w) => tokensOf(w).map((t) => stemOf(t, lang))),
      ),
    );
  return { words: stems('negative'), between: stems('stopwords') };
}

/**
 * The choice one of whose phrases is inside the answer; the longest phrase wins ("correo
 * postal" over "correo"), two choices with phrases as long are ambiguous.
 */
function byPhrase(
  text: string,
  choices: readonly Choice[],
  language: Language,
  minWords = 1,
  notNegated = false,
  list?: string,
): string | null {
  for (const lang of inOrder(language)) {
    const words = tokensOf(text).map((w) => stemOf(w, lang));
    const negation = notNegated ? negationOf(lang, language) : undefined;
    let best = 0;
    let found: string[] = [];
    for (const choice of choices) {
      const longest = Math.max(
        0,
        ...cueStems(lang, choice, list)
          .filter((cue) => cue.length >= minWords && contains(words, cue, negation))
          .map((cue) => cue.length),
      );
      if (longest > best) [best, found] = [longest, [choice.id]];
      else if (longest === best && longest > 0) found.push(choice.id);
    }
    if (found.length === 1) return found[0]!;
    if (found.length > 1) return null;
  }
  return null;
}

/** The offered visit slots among the choices (their params carry start, end and time zone). */
function slotsOffered(choices: readonly Choice[]): { slots: SlotOffer[]; timeZone: string } | null {
  const slots: SlotOffer[] = [];
  let timeZone = '';
  for (const c of choices) {
    const { start, end, timeZone: zone } = c.params ?? {};
    if (typeof start !== 'string' || typeof end !== 'string') return null;
    slots.push({ id: c.id, start, end });
    if (typeof zone === 'string') timeZone = zone;
  }
  return timeZone ? { slots, timeZone } : null;
}

/**
 * The offered choice an answer means, or null. `raw` is the cleaned text (dates are read from
 * it), `text` its normalised form; `at` the instant of the message, which dates are read from.
 * `asksForPerson` is the façade's whole-message check, so that a triage offering a person
 * takes "quiero hablar con una persona".
 */
export function choiceByMeaning(
  raw: string,
  text: string,
  choices: readonly Choice[],
  language: Language,
  asksForPerson: (text: string) => boolean,
  at?: string,
): string | null {
  if (text === '' || choices.length === 0) return null;
  const n = optionNumber(text);
  if (n !== null && choices[n - 1]) return choices[n - 1]!.id;
  const exact = exactly(text, choices, language);
  if (exact) return exact;
  const offered = at ? slotsOffered(choices) : null;
  if (offered && at) return slotNamed(raw, offered.slots, language, offered.timeZone, at);
  const polar = byPolarity(text, choices);
  if (polar !== undefined) return polar;
  if (choices.some((c) => c.id === 'person') && asksForPerson(text)) return 'person';
  if (choices.some((c) => TRIAGE_KEY.test(c.key))) {
    // A menu's own words of two or more ("falla técnica", "estado de cuenta") say it outright.
    const named = byPhrase(text, choices, language, 2);
    if (named) return named;
    const ids = choices.map((c) => c.id);
    return classifyIntent(text, language, ids)?.intent ?? byPhrase(text, choices, language);
  }
  return byPhrase(text, choices, language);
}

/**
 * Issue 13, said once: the choice a text written for another question already answers — the
 * words that chose the request ("me cobraron doble" answers the complaint's kind, "la impresora
 * no imprime" the fault's category). Only a choice's phrase inside it (`minWords` words at
 * least), not negated, one choice alone: never an option number, a yes/no or a guess. With
 * `list`, the phrases are those of the word list `<list>.<choice id>` instead of the choice's
 * label and synonyms (what a first message says of a severity is not what an answer says).
 */
export function phraseInside(
  text: string,
  choices: readonly Choice[],
  language: Language,
  options: { minWords?: number; list?: string } = {},
): string | null {
  if (text === '' || choices.length === 0) return null;
  return byPhrase(text, choices, language, options.minWords ?? 1, true, options.list);
}
