/**
 * Issue 13: the understanding layer measured on phrasings written apart from its training
 * utterances (`<lang>.json` here, never a sentence of `locales/<lang>/intents.json`): accuracy
 * per language and per question, and every confusion. Used by `npm run eval` and by the test
 * that holds the thresholds.
 */
import {
  CATEGORY_CHOICES,
  COMPLAINT_KINDS,
  DELIVERY_CHANNELS,
  DONE_NOT_YET,
  SEVERITY_CHOICES,
  URGENCY_CHOICES,
  YES_NO,
  triageChoices,
} from '../../src/flows/choices.ts';
import type { Choice } from '../../src/flows/contract.ts';
import type { ConversationContext } from '../../src/flows/context.ts';
import { matchChoice } from '../../src/flows/understanding.ts';
import { presumedAnswer, type Presumable } from '../../src/flows/machine/presumed.ts';
import type { Language } from '../../src/domain/types.ts';
import es from './es.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import pt from './pt.json' with { type: 'json' };

/** One language's evaluation set: phrasings per expected choice id, per question. */
export interface EvalSet {
  triage: Record<string, string[]>;
  /** Messages that must not be taken for any triage intent. */
  none: string[];
  yesNo: Record<string, string[]>;
  doneNotYet: Record<string, string[]>;
  /** Option numbers said as people say them, read against the triage menu. */
  numbered: Record<string, string[]>;
  severity: Record<string, string[]>;
  delivery: Record<string, string[]>;
  complaintKind: Record<string, string[]>;
  /** The platform of a technical fault, named by the thing that fails. */
  category: Record<string, string[]>;
  /**
   * Triage phrasings first written blind (measured then: es 60.3 %, en 71.2 %, pt 60.3 %);
   * training utterances were added after reading their misses, so they are blind no more.
   */
  heldOut: Record<string, string[]>;
  /**
   * Triage phrasings written blind (measured then: es 69.4 %, en 76.4 %, pt 65.3 %), then used
   * to tune the second round of utterances and features: blind no more.
   */
  blind: Record<string, string[]>;
  /**
   * A second blind set (issue 13), written and committed before any tuning of that round, WhatsApp
   * style: typos, no accents, slang of MX, CO, VE and BR, rambling or two-topic messages, and
   * the `visit` intent too. Measured once before (es 82.8 %, en 80.8 %, pt 78.3 %) and once
   * after (91.0 %, 87.5 %, 90.8 %); its misses were never read. Tune on it and it is blind no
   * more: write a new one first.
   */
  blind2: Record<string, string[]>;
  /**
   * A third blind set, written by another author than every training utterance, from the
   * intents' definitions only (README, "Understanding"), 15 per intent. Measured once when it
   * was added (es 82.0 %, en 82.0 %, pt 81.3 %); never read since. Its `other` mixes requests
   * nobody here serves with greetings and thanks, so "not understood" (asked again) counts as
   * right there.
   */
  blind3: Record<string, string[]>;
  /**
   * Issue 13, said once: first messages or triage answers, and the answer they already give to
   * a later question (`none`: they do not, and it must be asked). Written after the reading was
   * built and measured once; not tuned on.
   */
  saidComplaintKind: Record<string, string[]>;
  saidCategory: Record<string, string[]>;
  saidSeverity: Record<string, string[]>;
  saidUrgency: Record<string, string[]>;
}

export const SETS: Record<Language, EvalSet> = { es, en, pt } as Record<Language, EvalSet>;

/** The full triage menu (a customer up to date, allowed to request anything). */
export const TRIAGE: Choice[] = triageChoices({
  mayRequestService: true,
  limited: false,
  customer: {},
} as unknown as ConversationContext);

/** The questions measured, with the choices each offers. */
export const QUESTIONS = {
  triage: TRIAGE,
  yesNo: YES_NO,
  doneNotYet: DONE_NOT_YET,
  numbered: TRIAGE,
  severity: SEVERITY_CHOICES,
  delivery: DELIVERY_CHANNELS,
  complaintKind: COMPLAINT_KINDS,
  category: CATEGORY_CHOICES,
  heldOut: TRIAGE,
  blind: TRIAGE,
  blind2: TRIAGE,
  blind3: TRIAGE,
  saidComplaintKind: COMPLAINT_KINDS,
  saidCategory: CATEGORY_CHOICES,
  saidSeverity: SEVERITY_CHOICES,
  saidUrgency: URGENCY_CHOICES,
} as const;

/** Issue 13: the questions read from words written before them (`machine/presumed.ts`). */
const SAID: Partial<Record<Question, Presumable>> = {
  saidComplaintKind: 'complaintKind',
  saidCategory: 'category',
  saidSeverity: 'severity',
  saidUrgency: 'urgency',
};
export type Question = keyof typeof QUESTIONS;

/** A phrasing read as another choice than expected (`null`: not understood). */
export interface Confusion {
  text: string;
  expected: string | null;
  got: string | null;
}

/** How one question did in one language. */
export interface Score {
  language: Language;
  question: Question;
  total: number;
  correct: number;
  accuracy: number;
  confusions: Confusion[];
}

function cases(set: EvalSet, question: Question): [string, string | null][] {
  const expected = (id: string): string | null =>
    question === 'numbered' ? (TRIAGE[Number(id) - 1]?.id ?? null) : id === 'none' ? null : id;
  const rows = Object.entries(set[question]).flatMap(([id, texts]) =>
    texts.map((t): [string, string | null] => [t, expected(id)]),
  );
  return question === 'triage'
    ? [...rows, ...set.none.map((t): [string, null] => [t, null])]
    : rows;
}

/** Scores every question of every language. */
export function evaluate(): Score[] {
  const scores: Score[] = [];
  for (const language of Object.keys(SETS) as Language[]) {
    for (const question of Object.keys(QUESTIONS) as Question[]) {
      const confusions: Confusion[] = [];
      const rows = cases(SETS[language], question);
      for (const [text, expected] of rows) {
        const said = SAID[question];
        const got = said
          ? presumedAnswer(text, said, language)
          : matchChoice(text, QUESTIONS[question], language);
        const askedAgainIsRight = question === 'blind3' && expected === 'other' && got === null;
        if (got !== expected && !askedAgainIsRight) confusions.push({ text, expected, got });
      }
      const correct = rows.length - confusions.length;
      scores.push({
        language,
        question,
        total: rows.length,
        correct,
        accuracy: rows.length ? correct / rows.length : 1,
        confusions,
      });
    }
  }
  return scores;
}

/** The least accuracy each question must reach (issue 13). */
export const THRESHOLDS: Record<Question, number> = {
  triage: 0.9,
  yesNo: 0.95,
  doneNotYet: 0.95,
  numbered: 0.95,
  severity: 0.9,
  delivery: 0.9,
  complaintKind: 0.9,
  category: 0.9,
  // Not issue 13's bar but floors against regressions, a few points under the figures of
  // 2026-11-28: see README, "Understanding".
  heldOut: 0.85,
  blind: 0.85,
  blind2: 0.85,
  blind3: 0.8,
  // Taking an answer nobody gave is worse than asking: these hold what they measured.
  saidComplaintKind: 0.85,
  saidCategory: 0.85,
  saidSeverity: 0.85,
  saidUrgency: 0.85,
};
