/**
 * The pure core of a turn: no I/O, no clock, no XState. `startTurn` decides what an input does
 * to the latest version and drafts the next; the engine runs the flow; `finishTurn` completes
 * the version and says which replies to deliver and which notices to send once it is stored.
 */
export { deadlineChanges } from './deadlines.ts';
export { finishTurn, type FinishedTurn, type FlowOutcome, type HandoffNotice } from './finish.ts';
export {
  agentInput,
  answered,
  versionThatAnswered,
  type AgentDetails,
  type AgentAction,
  type AgentClosure,
  type TurnInput,
} from './input.ts';
export { outboundOf, repliesOf, type Renderer } from './replies.ts';
export { newSession, type TurnPolicy } from './session.ts';
export { startTurn, type AgentChatEnd, type TurnDraft, type TurnStart } from './start.ts';
