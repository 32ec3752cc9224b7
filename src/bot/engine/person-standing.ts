/**
 * R001-11: a suspension is the person's, and it applies however they come in. A new session
 * reads its person's standing before its first message is answered and gives it to the flow
 * (`FlowInput.personSuspension`), so a suspended person is refused as a prospect, asking for
 * a person or choosing a language as much as at identification.
 */
import type { FlowInput, PersonSuspension } from '../../flows/contract.ts';
import type { TurnDraft } from './turn/index.ts';

/** Reads whether the person starting a session is suspended (their conversation, their phone). */
export type PersonStanding = (
  conversationId: string,
  verifiedPhone: string | null,
  now: Date,
) => Promise<PersonSuspension | null>;

/** Puts the person's standing in a new session's flow input (a draft that starts the flow). */
export async function withPersonStanding(draft: TurnDraft, read: PersonStanding): Promise<void> {
  if (!draft.fresh || !draft.event) return;
  const input = draft.next.flowInput as unknown as FlowInput;
  const personSuspension = await read(input.conversationId, input.phone, draft.now);
  draft.next.flowInput = { ...draft.next.flowInput, personSuspension };
}
