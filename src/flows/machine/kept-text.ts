/**
 * Issue 13, said once: what the customer wrote before being identified is kept — without the
 * identifier and the words that only say who is writing — and read at triage once they are, the
 * same way an answer typed there is.
 */
import type { ConversationContext, Intent } from '../context.ts';
import type { FlowEvent, Reply } from '../contract.ts';
import { triageChoices } from '../choices.ts';
import { isOffensive, reportText } from '../fair-use/index.ts';
import { findIdentifier } from '../understanding.ts';
import { withoutWhoItIs } from '../wishes.ts';
import { CASE_AREA, INTENT_CASE_TYPE } from './case-request.ts';
import { answerOf, offenceCountryOf, textOf } from './reading.ts';

/** A kept first message this long says something: it becomes the request's description. */
const MIN_KEPT_DESCRIPTION_CHARS = 10;

/**
 * The text without the account number or e-mail it gives ("MX-1001, mi módem no tiene luces"):
 * the identifier was for identification, not for triage or the description.
 */
function withoutIdentifier(text: string): string {
  const id = findIdentifier(text);
  if (!id || id.by === 'phone') return text;
  const escaped = id.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text
    .replace(new RegExp(escaped, 'gi'), ' ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/^[\s,.;:!?-]+|[\s,;:-]+$/g, '')
    .replace(/\s{2,}/g, ' ');
}

/** What to keep of a message sent before triage (an insult keeps nothing). */
export function keptTextAfter(
  context: ConversationContext,
  event: FlowEvent,
): Partial<ConversationContext> {
  if (event.type !== 'customer.text' || isOffensive(event.text, offenceCountryOf(context)))
    return {};
  const text = withoutWhoItIs(withoutIdentifier(textOf(event)));
  return text ? { keptText: text } : { keptText: context.keptText ?? null };
}

/**
 * The kept text read as the answer to triage (`answerOf`): understood, it is the request's
 * intent and — long enough to say something — its description. Read once: it is then spent.
 */
export function readingOfKeptText(context: ConversationContext): Partial<ConversationContext> {
  const text = context.keptText ?? '';
  if (!text) return {};
  const question: Reply = { key: 'triage.ask', choices: triageChoices(context) };
  const id = answerOf(
    { ...context, question },
    { type: 'customer.text', text, at: context.lastAt },
  ) as Intent | null;
  if (!id) return { keptText: null };
  const caseType = INTENT_CASE_TYPE[id];
  const described = text.length >= MIN_KEPT_DESCRIPTION_CHARS && reportText(text) === 'words';
  return {
    keptText: null,
    intent: id,
    intentText: text,
    caseType,
    area: CASE_AREA[caseType],
    description: described ? text : '',
  };
}
