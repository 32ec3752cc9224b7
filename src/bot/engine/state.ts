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
  /** The current session's transcript (R001-7) in memory: its last MAX_TRANSCRIPT lines. */
  transcript: TranscriptEntry[];
  /**
   * How many leading entries of `transcript` this version shares with the one before: its
   * document stores only the entries after them, the lines its turn added. 0: the document
   * starts the stored transcript (a new session, or the first version written after a reload
   * of the layout before 2026-11-28).
   */
  transcriptKept: number;
  /** How many versions back the version that starts the stored transcript is (0: this one). */
  transcriptDepth: number;
  /**
   * In the agents' queue or held by one (decision 5): why, for whom, the agent, and when it
   * joined the queue (`queuedAt`, ISO; absent in versions stored before it was kept).
   */
  handoff: (Handoff & { agent: string | null; queuedAt?: string }) | null;
  createdAt: Date;
  /**
   * Where this version stands in storage, for writing the next one (kept in memory, rebuilt
   * on a reload; absent: a state built anew, whose next version stores everything).
   */
  stored?: StoredPosition;
}

/** What a version's document shares with the documents before it (see `state-codec.ts`). */
export interface StoredPosition {
  /**
   * The version whose document stores this version's snapshot: most turns of a flood, and
   * every customer message while a conversation waits for a person, leave it as it was.
   */
  snapshotAt: number;
  /** The version whose document stores this version's session fields (`session-fields.ts`). */
  fieldsAt: number;
  /** The session fields' text as stored: a turn that leaves it as it was refers to it. */
  fields: string;
  /**
   * Lines this session added in the versions after the last page before this one, this one's
   * included (a page version: its page's); null when unknown (a reload of the older layout):
   * the next version then starts the stored transcript anew.
   */
  pageLines: number | null;
}

/**
 * Every this many versions (versions 16, 32, 48…) a document also holds a page: the lines of the
 * versions since the page before, and the inputs they answered. A reload reads the versions back to
 * the last page and then one page per 16 versions, never the whole history, while each line is
 * stored twice at most (its version's, its page's) however long the session grows.
 */
export const TRANSCRIPT_PAGE_VERSIONS = 16;

/** The lines a session's transcript keeps: a long session keeps its last ones. */
export const MAX_TRANSCRIPT = 400;

/** How many answered inputs a state remembers for dropping redeliveries. */
export const RECENT_INPUTS = 64;
