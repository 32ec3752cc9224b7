import type { FlowEmitted } from '../../../flows/contract.ts';
import type { InputKey } from '../input-key.ts';
import type { OutboundMessage } from '../messages.ts';
import { sessionFieldsText } from '../session-fields.ts';
import { MAX_TRANSCRIPT, TRANSCRIPT_PAGE_VERSIONS, type ConversationState } from '../state.ts';
import { outboundOf, type Renderer } from './replies.ts';
import type { AgentChatEnd, TurnDraft } from './start.ts';

/** The reply that carries an agent's words to the customer (see `agentActs`). */
const AGENT_MESSAGE = 'handoff.agentMessage';

/** What the flow did in a turn (`LiveFlow.turn`'s result, without XState's types). */
export interface FlowOutcome {
  snapshot: unknown;
  emitted: readonly FlowEmitted[];
  done: boolean;
}

/**
 * A hand-off notice for the agent side (decision 5): a conversation was queued, or a customer
 * wrote to a conversation queued or held by an agent. Sent once the version is stored.
 */
export interface HandoffNotice {
  conversationId: string;
  /**
   * `left`: the customer went back to the bot before an agent took it (issue 13);
   * `agent-chat-ended`: an agent's chat ended without the agent (`ended` says why).
   */
  kind: 'queued' | 'customer-message' | 'left' | 'agent-chat-ended';
  /** The version that was stored. */
  state: ConversationState;
  /** The customer's words (`customer-message`). */
  text?: string;
  /** Why an agent's chat ended, who held it and its case (`agent-chat-ended`). */
  ended?: AgentChatEnd;
  /** The input whose turn gave the notice: the same input gives the same notice. */
  inputKey: InputKey;
}

/** A turn completed: the version to store, then the replies to deliver and notices to send. */
export interface FinishedTurn {
  next: ConversationState;
  replies: readonly OutboundMessage[];
  notices: readonly HandoffNotice[];
}

const NOTHING: readonly never[] = Object.freeze([]);

/**
 * Completes a drafted version with what the flow did (null: the flow did not run): mode,
 * language, account, hand-off and closing from what it emitted, the outbox rendered into the
 * transcript and into the replies to send, and the transcript's storage bookkeeping. Pure.
 */
export function finishTurn(
  draft: TurnDraft,
  flow: FlowOutcome | null,
  renderer: Renderer,
): FinishedTurn {
  const { next } = draft;
  const snapshotBefore = next.snapshot;
  let notices: HandoffNotice[] | null = null;
  let ended = draft.agentChatEnded;
  /** The hand-off an agent holds while the flow runs (fair use only, R001-8). */
  const held = next.mode === 'agent' ? next.handoff : null;
  if (flow) {
    next.snapshot = JSON.stringify(flow.snapshot);
    for (const e of flow.emitted) {
      const kind = applyEmitted(next, e);
      if (kind) {
        (notices ??= []).push({
          conversationId: next.conversationId,
          kind,
          state: next,
          inputKey: draft.inputKey,
        });
      }
    }
    if (flow.done && (next.mode === 'bot' || held)) close(next);
    // R001-11: suspended while an agent held the chat; it ends, its case goes on.
    if (held && next.mode === 'closed') {
      ended = { why: 'suspended', agent: held.agent ?? null, caseNumber: held.caseNumber };
      next.handoff = null;
    }
  }
  // Queued, the flow answers the customer (issue 13) and the agents see the words all the same.
  if (
    draft.forAgents !== null &&
    notices === null &&
    (next.mode === 'queued' || next.mode === 'agent')
  ) {
    notices = [
      {
        conversationId: next.conversationId,
        kind: 'customer-message',
        state: next,
        text: draft.forAgents,
        inputKey: draft.inputKey,
      },
    ];
  }

  if (ended) {
    (notices ??= []).push({
      conversationId: next.conversationId,
      kind: 'agent-chat-ended',
      state: next,
      inputKey: draft.inputKey,
      ended,
    });
  }

  next.pendingOutbox = next.outbox.length > 0;
  let replies: readonly OutboundMessage[] = NOTHING;
  if (next.pendingOutbox) {
    const out: OutboundMessage[] = [];
    for (let index = 0; index < next.outbox.length; index++) {
      const reply = next.outbox[index]!;
      const rendered = renderer.render(reply, next.language);
      // An agent's words are in the transcript already, as the agent's: not twice.
      if (reply.key !== AGENT_MESSAGE)
        next.transcript.push({ at: draft.now, from: 'bot', text: rendered.text });
      out.push(outboundOf(next, index, reply, rendered));
    }
    replies = out;
  }
  placeInStorage(next, snapshotBefore);
  return { next, replies, notices: notices ?? NOTHING };
}

/**
 * What the version's document is to store (see `StoredPosition`): the lines this turn added
 * (all of them when it starts the stored transcript: a new session, or the first version after
 * a reload of the older layout), the count its page will need, and whether its snapshot and
 * its session fields are those of the version before (then it refers to the documents that
 * store them): `snapshotBefore` is the version before's snapshot. The transcript keeps
 * its last MAX_TRANSCRIPT lines: the lines dropped are lines shared with the version before, so
 * a long session still stores only each turn's own lines.
 */
function placeInStorage(next: ConversationState, snapshotBefore: string | null): void {
  if (next.transcript.length > MAX_TRANSCRIPT) {
    const dropped = next.transcript.length - MAX_TRANSCRIPT;
    next.transcript = next.transcript.slice(dropped);
    next.transcriptKept = Math.max(0, next.transcriptKept - dropped);
  }
  const before = next.stored;
  const restart = next.transcriptKept === 0 || before === undefined || before.pageLines === null;
  if (restart) {
    next.transcriptKept = 0;
    next.transcriptDepth = 0;
  }
  const added = next.transcript.length - next.transcriptKept;
  const afterPage = restart || (next.version - 1) % TRANSCRIPT_PAGE_VERSIONS === 0;
  const fields = sessionFieldsText(next);
  const sameSnapshot = before !== undefined && next.snapshot === snapshotBefore;
  const sameFields = before !== undefined && before.fields === fields;
  next.stored = {
    snapshotAt: sameSnapshot ? before.snapshotAt : next.version,
    fieldsAt: sameFields ? before.fieldsAt : next.version,
    fields: sameFields ? before.fields : fields,
    pageLines: Math.min(next.transcript.length, (afterPage ? 0 : before!.pageLines!) + added),
  };
}

/**
 * Applies one thing the flow emitted; the notice it gives the agents' side when it queued the
 * conversation or took it out of the queue, else null.
 */
function applyEmitted(next: ConversationState, e: FlowEmitted): 'queued' | 'left' | null {
  switch (e.type) {
    case 'reply':
      next.outbox.push(e.reply);
      return null;
    case 'language':
      next.language = e.language;
      return null;
    case 'identified':
      next.accountNumber = e.accountNumber;
      return null;
    case 'handoff':
      next.mode = 'queued';
      next.handoff = {
        reason: e.reason,
        level: e.level,
        priority: e.priority,
        caseNumber: e.caseNumber,
        agent: null,
        queuedAt: next.createdAt.toISOString(),
      };
      return 'queued';
    case 'handoff.left':
      // Issue 13: the customer went back to the bot before an agent took the conversation.
      if (next.mode !== 'queued') return null;
      next.mode = 'bot';
      next.handoff = null;
      return 'left';
    case 'session.closed':
      close(next);
      return null;
  }
}

/** The session is over: no more deadlines (their timers are cancelled). */
function close(next: ConversationState): void {
  next.mode = 'closed';
  next.deadlines = [];
}
