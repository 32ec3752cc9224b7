import type { Handoff } from '../../domain/handoff.ts';
import type { ChannelKind, Language } from '../../domain/types.ts';
import type { Reply } from '../../flows/contract.ts';
import type { ConversationMode } from './messages.ts';

/** A durable deadline of a conversation (decision 2). */
export interface Deadline {
  /** Unique id of the timer (also its document id in `timers`). */
  id: string;
  kind: 'chatLimit';
  dueAt: Date;
}

/** A transcript line of the current session (R001-7: goes into the ticket). */
export interface TranscriptEntry {
  at: Date;
  from: 'customer' | 'bot' | 'agent';
  text: string;
}

/**
 * One version of a conversation's state (decision 1): unique by `_id`
 * (`<conversation>:<version>`) and by `answers` (the input it answered).
 */
export interface ConversationState {
  _id: string;
  conversationId: string;
  version: number;
  /** The input this version answered: `in:<channel>:<messageId>`, `timer:<id>`, `agent:<id>`. */
  answers: string;
  /** The network's id of the customer message this version answered (null: timer, agent). */
  replyTo: string | null;
  /**
   * The highest `sequence` of the customer's messages applied so far, when the network numbers
   * them (null: it does not): a later message waits a bounded time for its predecessor.
   */
  lastSequence: number | null;
  /** The last inputs answered, for dropping redeliveries after older versions are pruned. */
  recent: string[];
  channel: ChannelKind;
  channelUserId: string;
  mode: ConversationMode;
  language: Language;
  accountNumber: string | null;
  /** Session number: a closed conversation that is written to again starts a new session. */
  session: number;
  sessionStartedAt: Date;
  /**
   * The XState persisted snapshot as JSON text: its history keys contain dots, which MongoDB
   * keys may not, and one string is cheaper to store than a deep document.
   */
  snapshot: string | null;
  flowInput: Record<string, unknown>;
  deadlines: Deadline[];
  /** Replies to deliver for this version (the outbox). */
  outbox: Reply[];
  /** Whether `outbox` holds anything (a plain field every MongoDB-compatible server can match). */
  pendingOutbox: boolean;
  /** The current session's transcript (R001-7), in full in memory. */
  transcript: TranscriptEntry[];
  /**
   * How many leading entries of `transcript` this version shares with the one before: its
   * document stores only the entries after them, so a turn writes its own lines, not the whole
   * session again. 0: the document holds the whole transcript (a new session, or a checkpoint).
   */
  transcriptKept: number;
  /** How many versions back the nearest whole copy of the transcript is (0: this one). */
  transcriptDepth: number;
  /** In the agents' queue or held by one (decision 5): why, for whom, and the agent. */
  handoff: (Handoff & { agent: string | null }) | null;
  createdAt: Date;
}

/** A whole copy of the transcript at least every this many versions: a reload reads fewer. */
export const TRANSCRIPT_CHECKPOINT_EVERY = 16;

/** How many answered inputs a state remembers for dropping redeliveries. */
export const RECENT_INPUTS = 64;
