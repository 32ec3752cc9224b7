/**
 * What a customer wants, from free text: a small neural classifier per language (NLP.js's
 * `NeuralNetwork`, one perceptron per intent over word stems) trained once, at first use, from
 * the utterances of `locales/<lang>/intents.json` — a company adds its own phrasings there.
 * Synchronous and deterministic (the network starts from zero weights), so the machine's guards
 * can call it; no network access.
 */
import { NeuralNetwork } from '@nlpjs/neural';
import type { Language } from '../../domain/types.ts';
import intentsEs from '../../../locales/es/intents.json' with { type: 'json' };
import intentsEn from '../../../locales/en/intents.json' with { type: 'json' };
import intentsPt from '../../../locales/pt/intents.json' with { type: 'json' };
import { stemsOf } from './stems.ts';

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
  net: NeuralNetwork;
  known: Set<string>;
}

const models = new Map<Language, Model>();

function features(text: string, language: Language): Record<string, number> {
  const input: Record<string, number> = {};
  for (const stem of stemsOf(text, language)) input[stem] = 1;
  return input;
}

function model(language: Language): Model {
  let m = models.get(language);
  if (!m) {
    const corpus = Object.entries(UTTERANCES[language].intents).flatMap(([intent, texts]) =>
      texts.map((text) => ({ input: features(text, language), output: { [intent]: 1 } })),
    );
    const net = new NeuralNetwork({ log: false });
    net.train(corpus);
    const known = new Set(corpus.flatMap((row) => Object.keys(row.input)));
    models.set(language, (m = { net, known }));
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
  const { net, known } = model(language);
  const input = features(text, language);
  if (!Object.keys(input).some((stem) => known.has(stem))) return [];
  const out = net.run(input) ?? {};
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
