/**
 * Issue 13, said once: the states that take an answer the request's first words already gave
 * (`presumed.ts`) and say it, instead of asking.
 */
import type { ConversationContext } from '../context.ts';
import { say } from './builders.ts';
import { READING, presumed, type Presumable } from './presumed.ts';

/**
 * A step before the question `ask`: the answer the first words give is taken and said, and the
 * flow goes on to `next`; else the question is asked.
 */
export function readingSaid(which: Presumable, next: string, ask: string) {
  return {
    always: [
      {
        guard: { type: 'saysAlready' as const, params: { which } },
        target: next,
        actions: [
          { type: 'takeSaid' as const, params: { which } },
          say(`said.${which}`, (c) => ({ label: labelOf(c, which) })),
        ],
      },
      { target: ask },
    ],
  };
}

/** The key of the label of what was taken (the reply names it in the customer's language). */
function labelOf(context: ConversationContext, which: Presumable): string {
  const value = {
    complaintKind: presumed(context, 'complaintKind'),
    category: context.category,
    severity: context.severity,
    urgency: context.urgency,
  }[which];
  return READING[which].choices.find((c) => c.id === value)?.key ?? '';
}
