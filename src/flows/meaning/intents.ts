/**
 * What a customer wants, from free text: a small neural classifier per language (one perceptron
 * per intent, NLP.js's `NeuralNetwork` written over typed arrays in `perceptrons.ts`) trained
 * once, at start-up, from the utterances of `locales/<lang>/intents.json` — a company adds its
 * own phrasings there. It reads word stems and pairs of neighbouring stems, a word one letter
 * off a known word as that word (`typos.ts`) and accents folded, so typos and missing accents
 * still count.
 * Synchronous and deterministic (the network starts from zero weights), so the machine's guards
 * can call it; no network access. Which intent a visit's phrasing is (`visit` or `followUp`):
 * README, "Understanding".
 */
import type { Language } from '../../domain/types.ts';
import intentsEs from '../../../locales/es/intents.json' with { type: 'json' };
import intentsEn from '../../../locales/en/intents.json' with { type: 'json' };
import intentsPt from '../../../locales/pt/intents.json' with { type: 'json' };
import { stemOf, tokensOf } from './stems.ts';
import { Perceptrons } from './perceptrons.ts';
import { TypoFixer } from './typos.ts';
import { normalise } from './lexicon.ts';

/** The shape of `locales/<lang>/intents.json`: utterances per intent id. */
export interface IntentUtterances {
  intents: Record<string, string[]>;
}

const UTTERANCES: Record<Language, IntentUtterances> = {
  es: intentsEs as IntentUtterances,
  en: intentsEn as IntentUtterances,
  pt: intentsPt as IntentUtterances,
};

/** The utterances a language's classifier learns from. */
export function utterancesOf(language: Language): IntentUtterances {
  return UTTERANCES[language];
}

/** Below this score the message is not taken for any intent (gibberish, off-topic). */
export const MIN_SCORE = 0.3;
/** The best intent must beat the runner-up by this much: never guess between two. */
export const MIN_MARGIN = 0.05;

/** An intent and how sure the classifier is (0–1). */
export interface Guess {
  intent: string;
  score: number;
}

interface Model {
  net: Perceptrons;
  fixer: TypoFixer;
}

const models = new Map<Language, Model>();

/** Weight of a pair of neighbouring stems ("no prende", "cobr dos"): word order says more than words alone. */
const PAIR_WEIGHT = 0.5;
/**
 * Training epochs at most. The network would go on for 60-90 epochs on these utterances, but
 * the evaluation sets score as well from 40 on (see README, "Understanding"): start-up is shorter.
 */
const EPOCHS = 40;

/**
 * The features of a text: its stems (each word one letter off a known word read as that word)
 * and neighbouring stem pairs. Character n-grams scored 1-2 points better but made start-up
 * two and a half times as long.
 */
function features(text: string, language: Language, fixer?: TypoFixer): Record<string, number> {
  const input: Record<string, number> = {};
  const words = tokensOf(normalise(text));
  const stems = words.map((w) => stemOf(fixer ? fixer.fix(w) : w, language));
  for (const stem of stems) input[stem] = 1;
  for (let i = 0; i + 1 < stems.length; i += 1) {
    input[`${stems[i]}_${stems[i + 1]}`] = PAIR_WEIGHT;
  }
  return input;
}

function model(language: Language): Model {
  let m = models.get(language);
  if (!m) {
    const rows = Object.entries(UTTERANCES[language].intents).flatMap(([intent, texts]) =>
      texts.map((text) => ({ input: features(text, language), intent })),
    );
    const net = new Perceptrons(rows, EPOCHS);
    const vocabulary = Object.values(UTTERANCES[language].intents).flatMap((texts) =>
      texts.flatMap((text) => tokensOf(normalise(text))),
    );
    const fixer = new TypoFixer(vocabulary, (w) => stemOf(w, language));
    models.set(language, (m = { net, fixer }));
  }
  return m;
}

/** Train every language's classifier now (at start-up) rather than on the first message. */
export function trainIntents(): void {
  for (const language of Object.keys(UTTERANCES) as Language[]) model(language);
}

/**
 * The intents a text may mean, best first, with normalised scores; empty when none of its
 * words was ever seen in training.
 */
export function rankIntents(text: string, language: Language): Guess[] {
  const { net, fixer } = model(language);
  const input = features(text, language, fixer);
  if (!Object.keys(input).some((stem) => net.knows(stem))) return [];
  const out = net.run(input);
  const total = Object.values(out).reduce((a, b) => a + b, 0);
  if (total <= 0) return [];
  return Object.entries(out)
    .map(([intent, raw]) => ({ intent, score: raw }))
    .sort((a, b) => b.score - a.score);
}

/**
 * The one intent a text means among `allowed`, or null when unsure: the best score under
 * `MIN_SCORE`, too close to the runner-up, or an intent not offered.
 */
export function classifyIntent(
  text: string,
  language: Language,
  allowed: readonly string[],
): Guess | null {
  const [best, second] = rankIntents(text, language);
  if (!best || best.score < MIN_SCORE) return null;
  if (second && best.score - second.score < MIN_MARGIN) return null;
  return allowed.includes(best.intent) ? best : null;
}
