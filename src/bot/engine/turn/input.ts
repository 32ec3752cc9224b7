import type { Reply } from '../../../flows/contract.ts';
import { sanitiseText } from '../../../domain/text.ts';
import type { InputKey } from '../input-key.ts';
import type { InboundMessage } from '../messages.ts';
import type { ConversationState } from '../state.ts';

/**
 * What an agent does to a conversation in hand-off mode (decision 5): take it, write, give it
 * back to the bot, pass it to level 2 (R003-8: back in the queue, priority raised), or close its
 * case (R002-7: the closing message with its times, then the bot's survey, R002-8).
 */
export type AgentAction =
  | 'takeover'
  | 'message'
  | 'release'
  | 'transfer'
  | 'close'
  /** R001-10: the agent found the report false or nonsense; the conversation ends. */
  | 'markFalse'
  /** R001-11: the agent suspended the person's support; the conversation ends. */
  | 'suspend';

/** R001-10 / R001-11: what the customer is told when an agent marks or suspends them. */
export interface AgentFairUse {
  reason: string;
  caseNumber: string | null;
  /** The suspension's end (ISO), null when permanent; absent when nobody was suspended. */
  suspendedUntil?: string | null;
  /** The customer's time zone, for the end of a suspension. */
  timeZone?: string;
}

/** R002-7: what the customer is told when an agent closes the case. */
export interface AgentClosure {
  caseNumber: string;
  /** Calendar minutes from opening to first contact. */
  attentionMinutes: number;
  /** Calendar minutes from opening to closure. */
  resolutionMinutes: number;
  /** The resolution, in the agent's words. */
  resolution: string;
}

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
  /** Issue 16: something to tell the customer that no flow decides (a visit reminder). */
  | { kind: 'notice'; key: InputKey; reply: Reply }
  | {
      kind: 'agent';
      key: InputKey;
      action: AgentAction;
      agent: string;
      text: string;
      /** `close`: the case's closure, as the customer is told it. */
      closure?: AgentClosure;
      /** `takeover`: the case the agent works on, when the hand-off had none. */
      caseNumber?: string;
      /** `markFalse`, `suspend`: the reason and any suspension (R001-10, R001-11). */
      fairUse?: AgentFairUse;
    };

/** What an agent's action may carry besides its words. */
export interface AgentDetails {
  /** `close`: what the customer is told (R002-7). */
  closure?: AgentClosure;
  /** `takeover`: the case worked on, when the hand-off had none. */
  caseNumber?: string;
  /** `markFalse`, `suspend`: the reason and any suspension (R001-10, R001-11). */
  fairUse?: AgentFairUse;
}

/** An agent's action as a turn's input, its words cleaned as a customer's are. */
export function agentInput(
  key: InputKey,
  action: AgentAction,
  agent: string,
  text: string,
  { closure, caseNumber, fairUse }: AgentDetails,
): TurnInput {
  return {
    kind: 'agent',
    key,
    action,
    agent,
    text: sanitiseText(text),
    ...(closure ? { closure: { ...closure, resolution: sanitiseText(closure.resolution) } } : {}),
    ...(caseNumber ? { caseNumber } : {}),
    ...(fairUse ? { fairUse: { ...fairUse, reason: sanitiseText(fairUse.reason) } } : {}),
  };
}

/**
 * The version that answered an input, found from a later version's `recent`: every version
 * answers exactly one input and appends its key to `recent`, and versions are numbered without
 * gaps, so the key `k` places from the end of `recent` was answered by the version `k` before
 * this one. Null when the input is not among the last ones answered.
 */
export function versionThatAnswered(
  state: ConversationState,
  keys: readonly string[],
): number | null {
  for (let k = 0; k < state.recent.length; k++) {
    if (keys.includes(state.recent[state.recent.length - 1 - k]!)) return state.version - k;
  }
  return null;
}

/** Whether a version (or one of the versions before it) answered this input. */
export function answered(state: ConversationState, input: TurnInput): boolean {
  return (
    state.recent.includes(input.key) ||
    (input.kind === 'customer' && state.recent.includes(input.legacyKey))
  );
}
