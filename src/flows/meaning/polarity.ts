/**
 * Yes, no or not yet, said as people say them: "ya lo revisé", "sí ya está prendido", "nel",
 * "todavía nop", "yes it is", "ainda não", "no, no tiene luz". The first word decides when it
 * says yes or no; otherwise a negation anywhere says no, an affirmation yes. Doubt ("no sé",
 * "maybe") says nothing. The word lists (`affirmative`, `negative`, `pending`, `unsure`,
 * `fillers`) are in `locales/<lang>/understanding.json`, read in every language at once.
 */
import { LANGUAGES } from '../../domain/types.ts';
import { synonyms } from './lexicon.ts';
import { tokensOf } from './stems.ts';

/**
 * What an answer says: yes, no, not yet ("todavía no": a no to a yes/no question), or only
 * "wait" ("un momento": not yet to a step, nothing to a yes/no question).
 */
export type Polarity = 'yes' | 'no' | 'notYet' | 'wait';

function wordSet(list: string): Set<string> {
  return new Set(LANGUAGES.flatMap((l) => synonyms(l, list)).map((w) => tokensOf(w).join(' ')));
}

type List = 'yes' | 'no' | 'pending' | 'unsure' | 'fillers' | 'doneAction' | 'later';
let sets: Record<List, Set<string>> | null = null;
function lists() {
  sets ??= {
    yes: wordSet('affirmative'),
    no: wordSet('negative'),
    pending: wordSet('pending'),
    unsure: wordSet('unsure'),
    fillers: wordSet('fillers'),
    doneAction: wordSet('doneAction'),
    later: wordSet('later'),
  };
  return sets;
}

/** Where the first of the phrases starts among the words (-1: none). */
function firstAt(words: string[], phrases: Set<string>): number {
  for (let i = 0; i < words.length; i += 1) {
    for (const p of phrases) {
      const parts = p.split(' ');
      if (parts.every((w, j) => words[i + j] === w)) return i;
    }
  }
  return -1;
}

function hasPhrase(text: string, phrases: Set<string>): boolean {
  const padded = ` ${text} `;
  for (const p of phrases) if (padded.includes(` ${p} `)) return true;
  return false;
}

/** The polarity of a normalised answer, or null when it says neither (or doubts). */
export function polarityOf(normalised: string): Polarity | null {
  const { yes, no, pending, unsure, fillers } = lists();
  const words = tokensOf(normalised);
  if (hasPhrase(words.join(' '), unsure)) return null;
  const tokens = words.filter((t) => !fillers.has(t));
  if (tokens.length === 0) return null;
  const pendingToo = tokens.some((t) => pending.has(t));
  const negated = tokens.some((t) => no.has(t));
  // "claro que no", "pues que sí": what follows "que" is the answer.
  const que = tokens.findIndex((t, i) => t === 'que' && i > 0 && yes.has(tokens[i - 1]!));
  const first = que >= 0 ? (tokens[que + 1] ?? '') : tokens[0]!;
  const second = que >= 0 ? (tokens[que + 2] ?? '') : (tokens[1] ?? '');
  if (pending.has(first) || (no.has(first) && pendingToo)) return negated ? 'notYet' : 'wait';
  if (no.has(first)) return 'no';
  // "ya no prende": "ya" then a negation is a no.
  if (yes.has(first)) return no.has(second) ? 'no' : 'yes';
  if (negated) return pendingToo ? 'notYet' : 'no';
  if (pendingToo) return 'wait';
  return tokens.some((t) => yes.has(t)) ? 'yes' : null;
}

/**
 * Issue 13: the answer to a step ("restart it and write done"), said as people report it — the
 * step done in their words ("lo reinicié", "desconecté y volví a conectar", "I turned it off
 * and on again", "já desliguei e liguei": a past form of doing it, `doneAction`), or about to be
 * ("voy a hacerlo", "ahorita lo hago", "gonna do it", "vou fazer": `later`, a wait). Whichever
 * comes first counts ("lo reinicié y voy a ver", "voy a reiniciarlo y ya"); a negation before
 * the action makes it not done ("no lo he reiniciado"), one after it is about the result
 * ("reinicié pero no prende": done). Else as `polarityOf`.
 */
export function stepPolarityOf(normalised: string): Polarity | null {
  const { no, doneAction, later } = lists();
  const words = tokensOf(normalised);
  const done = firstAt(words, doneAction);
  const soon = firstAt(words, later);
  const negation = words.findIndex((w) => no.has(w));
  const before = (i: number, j: number) => i >= 0 && (j < 0 || i < j);
  if (before(done, negation) && before(done, soon)) return 'yes';
  const said = polarityOf(normalised);
  if (said === 'no' || said === 'notYet') return said;
  if (soon >= 0) return 'wait';
  return done >= 0 ? 'yes' : said;
}
