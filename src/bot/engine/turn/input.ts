import type { InputKey } from '../input-key.ts';
import type { InboundMessage } from '../messages.ts';
import type { ConversationState } from '../state.ts';

/** What an agent does to a conversation in hand-off mode (decision 5). */
export type AgentAction = 'takeover' | 'message' | 'release';

/**
 * An input to a conversation: a customer message, a timer, or an agent's action, each with the
 * key that makes it answered once (`input-key.ts`).
 */
export type TurnInput =
  | {
      kind: 'customer';
      key: InputKey;
      /** The key the same message had before keys named their conversation. */
      legacyKey: string;
      message: InboundMessage;
    }
  | { kind: 'timer'; key: InputKey; timerId: string }
  | { kind: 'agent'; key: InputKey; action: AgentAction; agent: string; text: string };

/** Whether a version (or one of the versions before it) answered this input. */
export function answered(state: ConversationState, input: TurnInput): boolean {
  return (
    state.recent.includes(input.key) ||
    (input.kind === 'customer' && state.recent.includes(input.legacyKey))
  );
}
