/**
 * What a case keeps of the customer's words (R001-2, R001-4): texts cut at a word and the cut
 * told, the customer's own words about their matter, the first-level steps they took.
 */
import { cleanText, MAX_MESSAGE_CHARS } from '../../domain/text.ts';
import { clipAtWord } from '../clip.ts';
import type { ConversationContext } from '../context.ts';
import type { FlowEvent } from '../contract.ts';
import { isOffensive, reportText } from '../fair-use/index.ts';
import { LANGUAGES } from '../../domain/types.ts';
import {
  asksForPerson,
  findIdentifier,
  MAX_DESCRIPTION_CHARS,
  MAX_SHORT_CHARS,
  normalise,
  wordsOf,
} from '../understanding.ts';

/** A customer's text kept within `max` characters, and whether it had to be cut (R001-4). */
export function reportOf(event: FlowEvent, max: number): { kept: string; cut: boolean } {
  const full = event.type === 'customer.text' ? cleanText(event.text, MAX_MESSAGE_CHARS) : '';
  return { kept: clipAtWord(full, max), cut: full.length > max };
}

/** R001-4: the reply telling that a text was cut, and how much was kept. */
export function truncationNotice() {
  return {
    type: 'reply' as const,
    reply: { key: 'case.textTruncated', params: { max: MAX_DESCRIPTION_CHARS } },
  };
}

/** Fewest words for a message to say something about a matter ("mi módem no prende"). */
const MIN_WORDS = 3;

/**
 * The customer's own words about their matter, when this event is the first message or the
 * answer to triage and says something (three words or more, no identifier, not a request for
 * a person, not an insult); null otherwise.
 */
export function saidOfMatter(context: ConversationContext, event: FlowEvent): string | null {
  if (event.type !== 'customer.text') return null;
  if (context.question !== null && context.question.key !== 'triage.ask') return null;
  const text = cleanText(event.text, MAX_MESSAGE_CHARS);
  if (wordsBesideCourtesies(text) < MIN_WORDS || reportText(text) !== 'words') return null;
  if (findIdentifier(text) !== null || asksForPerson(text) || isOffensive(text)) return null;
  return clipAtWord(text, MAX_SHORT_CHARS);
}

let courtesies: Set<string> | null = null;

/** The words of a text that are not courtesies ("hola buenas tardes" has none). */
function wordsBesideCourtesies(text: string): number {
  courtesies ??= new Set(
    LANGUAGES.flatMap((l) => wordsOf(l).words.politeness ?? []).flatMap((w) =>
      normalise(w).split(' '),
    ),
  );
  return normalise(text)
    .split(' ')
    .filter((w) => w !== '' && !courtesies!.has(w)).length;
}
