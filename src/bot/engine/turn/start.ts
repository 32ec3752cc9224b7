import { raisePriority } from '../../../domain/policy/index.ts';
import type { FlowEvent } from '../../../flows/contract.ts';
import type { CaseNumber } from '../../../domain/cases/case.ts';
import type { InputKey } from '../input-key.ts';
import { RECENT_INPUTS, type ConversationState } from '../state.ts';
import { answered, type TurnInput } from './input.ts';
import { newSession, type TurnPolicy } from './session.ts';

/**
 * A turn begun: the next version as the input leaves it, and what the flow is to be told. The
 * engine runs the flow (when `event` is set), then `finishTurn` completes the version.
 */
export interface TurnDraft {
  /** The next version, still to be completed by `finishTurn` (which may change it). */
  readonly next: ConversationState;
  /** The event for the flow; null when the flow does not run (paused by a hand-off). */
  readonly event: FlowEvent | null;
  /** A new session: its flow starts from its input, never from a machine still running. */
  readonly fresh: boolean;
  /** The input this turn answers: effects of the turn derive their idempotency keys from it. */
  readonly inputKey: InputKey;
  /** When the turn happens (the business clock, read once by the engine). */
  readonly now: Date;
  /** A customer's message while the flow is paused for a hand-off: it goes to the agents. */
  readonly forAgents: string | null;
  /** R001-7: the 20 minutes ended an agent's chat (who held it, and its case). */
  readonly agentChatEnded: AgentChatEnd | null;
}

/** An agent's chat that ended without the agent: at 20 minutes (R001-7), or a suspension (R001-11). */
export interface AgentChatEnd {
  readonly why: 'chat-limit' | 'suspended';
  /** Who held it (the name the customer was told) and the case it goes on as. */
  readonly agent: string | null;
  readonly caseNumber: CaseNumber | null;
}

/** What an input does to a conversation: nothing (answered before, or not applicable), or a turn. */
export type TurnStart = 'duplicate' | 'ignored' | TurnDraft;

/**
 * Begins a turn: given the latest version (null: none stored yet), the input, the time and the
 * policy, says whether the input was answered already (`duplicate`), changes nothing
 * (`ignored`: a timer whose deadline is gone, an agent action on a conversation nobody queued),
 * or drafts version + 1. Pure: the engine does the reading, running and storing.
 */
export function startTurn(
  conversationId: string,
  current: ConversationState | null,
  input: TurnInput,
  now: Date,
  policy: TurnPolicy,
): TurnStart {
  if (current && answered(current, input)) return 'duplicate';
  if (input.kind === 'timer') {
    const pending = current?.deadlines.some((d) => d.id === input.timerId) ?? false;
    // R001-7: the limit applies while waiting for a person too (issue 13), and to an agent's
    // chat (issue 15).
    if (!current || !pending || current.mode === 'closed') {
      return 'ignored';
    }
  }
  // Issue 16: a notice is told to a conversation that exists, whatever it is doing.
  if (input.kind === 'notice' && !current) return 'ignored';
  if (input.kind === 'agent' && (!current || current.mode === 'closed' || current.mode === 'bot')) {
    if (input.action !== 'takeover' || !current || current.mode === 'closed') return 'ignored';
  }
  const at = now.toISOString();

  // A closed (or new) conversation written to by the customer starts a new session.
  const fresh = !current || (current.mode === 'closed' && input.kind === 'customer');
  const base: ConversationState = fresh
    ? newSession(conversationId, current, input, now, policy)
    : { ...current!, deadlines: [...current!.deadlines], transcript: [...current!.transcript] };
  const version = (current?.version ?? 0) + 1;
  const next: ConversationState = {
    ...base,
    _id: `${conversationId}:${version}`,
    version,
    answers: input.key,
    replyTo: input.kind === 'customer' ? input.message.messageId : null,
    lastSequence: sequenceAfter(current, input),
    recent: [...(current?.recent ?? []), input.key].slice(-RECENT_INPUTS),
    outbox: [],
    pendingOutbox: false,
    // The document stores the lines this turn adds to those of the version before (see
    // `finishTurn` for the whole copies).
    transcriptKept: fresh ? 0 : current!.transcript.length,
    transcriptDepth: fresh ? 0 : current!.transcriptDepth + 1,
    createdAt: now,
  };

  let event: FlowEvent | null = null;
  let forAgents: string | null = null;
  let agentChatEnded: TurnDraft['agentChatEnded'] = null;
  if (input.kind === 'customer') {
    // A pressed button without words (the JSON channel's `choice`) is shown by its id.
    const said = input.message.text || (input.message.choice ? `[${input.message.choice}]` : '');
    next.transcript.push({ at: now, from: 'customer', text: said });
    // Issue 13: queued, the flow still answers (when someone can, back to the menu, a
    // prospect) and the words go to the agents too; held by an agent, only to the agent.
    if (next.mode === 'bot' || next.mode === 'queued') {
      event = input.message.choice
        ? { type: 'customer.choice', choice: input.message.choice, at }
        : {
            type: 'customer.text',
            text: input.message.text,
            at,
            attachments: input.message.attachments ?? [],
          };
    }
    if (next.mode !== 'bot') forAgents = said;
    // Held by an agent, the flow answers nothing, but R001-8 still applies to the words.
    if (next.mode === 'agent' && input.message.text)
      event = { type: 'held.text', text: input.message.text, at };
  } else if (input.kind === 'notice') {
    next.outbox.push(input.reply);
  } else if (input.kind === 'timer') {
    next.deadlines = next.deadlines.filter((d) => d.id !== input.timerId);
    if (next.mode === 'agent') {
      agentChatEnded = {
        why: 'chat-limit',
        agent: next.handoff?.agent ?? null,
        caseNumber: next.handoff?.caseNumber ?? null,
      };
      agentChatEnds(next);
    } else event = { type: 'timer.chatLimit', at };
  } else {
    agentActs(next, input, now);
    // The agent gave the conversation back: the flow resumes where it paused; after a closure
    // it asks the survey of the closed case (R002-8).
    if (input.action === 'release') event = { type: 'agent.release', at };
    if (input.action === 'close' && input.closure) {
      event = {
        type: 'agent.release',
        at,
        caseNumber: input.closure.caseNumber as CaseNumber,
        closed: true,
      };
    }
  }
  if (next.mode === 'closed' || (next.mode === 'agent' && event?.type !== 'held.text'))
    event = null;
  return { next, event, fresh, inputKey: input.key, now, forAgents, agentChatEnded };
}

/** The highest message sequence applied once this input is (a late one does not lower it). */
function sequenceAfter(current: ConversationState | null, input: TurnInput): number | null {
  const previous = current?.lastSequence ?? null;
  const sequence = input.kind === 'customer' ? (input.message.sequence ?? null) : null;
  if (sequence === null) return previous;
  return previous === null ? sequence : Math.max(previous, sequence);
}

/**
 * R001-7 in an agent's chat (issue 15): the 20 minutes are up, the chat ends and goes on as
 * the case the agent works on (the console opens one on takeover), the customer told its number.
 */
function agentChatEnds(next: ConversationState): void {
  const caseNumber = next.handoff?.caseNumber ?? null;
  next.outbox.push({ key: 'chatLimit.reached' });
  if (caseNumber) next.outbox.push({ key: 'chatLimit.continuesInCase', params: { caseNumber } });
  next.mode = 'closed';
  next.handoff = null;
  next.deadlines = [];
}

/** An agent's action on a conversation it may act on (decision 5). */
function agentActs(
  next: ConversationState,
  input: Extract<TurnInput, { kind: 'agent' }>,
  now: Date,
): void {
  if (input.action === 'takeover') {
    next.mode = 'agent';
    const held = next.handoff ?? { reason: 'agent', level: 'L1', priority: 'P3', caseNumber: null };
    next.handoff = {
      ...held,
      caseNumber: held.caseNumber ?? (input.caseNumber as CaseNumber | undefined) ?? null,
      agent: input.agent,
    };
    next.outbox.push({ key: 'handoff.agentJoined', params: { agent: input.agent } });
  } else if (input.action === 'message') {
    next.transcript.push({ at: now, from: 'agent', text: input.text });
    next.outbox.push({
      key: 'handoff.agentMessage',
      params: { agent: input.agent, text: input.text },
    });
  } else if (input.action === 'transfer') {
    // R003-8: back in the queue for level 2, one step more urgent; no one holds it now.
    const held = next.handoff ?? { reason: 'agent', level: 'L1', priority: 'P3', caseNumber: null };
    next.mode = 'queued';
    next.handoff = {
      ...held,
      level: 'L2',
      priority: raisePriority(held.priority),
      agent: null,
      queuedAt: now.toISOString(),
    };
    next.outbox.push({ key: 'handoff.transferred', params: { agent: input.agent } });
  } else if ((input.action === 'markFalse' || input.action === 'suspend') && input.fairUse) {
    // R001-10 / R001-11: the customer is told why on their channel, and the conversation ends:
    // the person's next message starts a session that reads their standing (R001-11).
    const { reason, caseNumber, suspendedUntil, timeZone } = input.fairUse;
    if (input.action === 'markFalse')
      next.outbox.push({
        key: 'agentFairUse.markedFalse',
        params: { reason, caseNumber: caseNumber ?? '' },
      });
    if (suspendedUntil !== undefined)
      next.outbox.push(
        suspendedUntil === null
          ? { key: 'agentFairUse.suspendedPermanently', params: { reason } }
          : {
              key: 'agentFairUse.suspendedUntil',
              params: { reason, until: suspendedUntil, timeZone: timeZone ?? 'UTC' },
            },
      );
    next.mode = 'closed';
    next.handoff = null;
    next.deadlines = [];
  } else if (input.action === 'close' && input.closure) {
    const { caseNumber, attentionMinutes, resolutionMinutes, resolution } = input.closure;
    next.mode = 'bot';
    next.handoff = null;
    next.outbox.push({
      key: 'handoff.closedByAgent',
      params: { agent: input.agent, caseNumber, attentionMinutes, resolutionMinutes, resolution },
    });
  } else {
    next.mode = 'bot';
    next.outbox.push({ key: 'handoff.agentLeft', params: { agent: input.agent } });
    next.handoff = null;
  }
}
