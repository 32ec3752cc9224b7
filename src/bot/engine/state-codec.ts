import { inflateRawSync } from 'node:zlib';
import { Binary } from 'mongodb';
import type { ConversationState } from './state.ts';

/**
 * The blob's BSON subtype (user-defined range): UTF-8 JSON text. Versions stored before
 * 2026-11-25 hold deflated text under the generic subtype 0 and are still read.
 */
const TEXT_BODY = 0x80;

/**
 * A conversation state as stored: the fields the database matches on stay plain, everything
 * else travels as one binary of JSON text. FerretDB v1 converts every field of a document to
 * and from its own JSON; one opaque binary costs it a base64 copy, the nested snapshot,
 * transcript and outbox would cost a walk of every value. Not compressed: since a version
 * stores only its turn's transcript lines the text is ~3 kB, and deflating it cost the event
 * loop more (a zlib context per call) than the bytes cost the database (measured: 745 → 892
 * turns/s without it).
 */
export interface StoredState {
  _id: string;
  conversationId: string;
  version: number;
  answers: string;
  mode: ConversationState['mode'];
  pendingOutbox: boolean;
  createdAt: Date;
  body: Binary;
}

/** The blob as JSON gives it back: instants as ISO strings. */
type Body = Omit<
  ConversationState,
  keyof StoredState | 'snapshot' | 'sessionStartedAt' | 'transcript' | 'deadlines'
> & {
  sessionStartedAt: string;
  transcript: (Omit<ConversationState['transcript'][number], 'at'> & { at: string })[];
  deadlines: (Omit<ConversationState['deadlines'][number], 'dueAt'> & { dueAt: string })[];
};

/**
 * The blob is the snapshot's JSON text, a newline, then the rest as JSON (JSON text holds no
 * raw newline): the snapshot, already JSON, is not escaped into a string a second time.
 */
/** The fields stored plain, for the database to match on. */
const PLAIN = [
  '_id',
  'conversationId',
  'version',
  'answers',
  'mode',
  'pendingOutbox',
  'createdAt',
] as const;
type Plain = Pick<ConversationState, (typeof PLAIN)[number]>;

function plainOf(from: Plain): Plain {
  return Object.fromEntries(PLAIN.map((key) => [key, from[key]])) as unknown as Plain;
}

/** The blob's text: the snapshot's JSON, a newline, the rest with only this version's lines. */
function bodyText(state: ConversationState): string {
  const rest: Body = {
    recent: state.recent,
    replyTo: state.replyTo,
    lastSequence: state.lastSequence,
    channel: state.channel,
    channelUserId: state.channelUserId,
    language: state.language,
    accountNumber: state.accountNumber,
    session: state.session,
    sessionStartedAt: state.sessionStartedAt.toISOString(),
    flowInput: state.flowInput,
    deadlines: state.deadlines.map((d) => ({ ...d, dueAt: d.dueAt.toISOString() })),
    outbox: state.outbox,
    transcript: state.transcript
      .slice(state.transcriptKept)
      .map((t) => ({ ...t, at: t.at.toISOString() })),
    transcriptKept: state.transcriptKept,
    transcriptDepth: state.transcriptDepth,
    handoff: state.handoff,
  };
  return `${state.snapshot ?? 'null'}\n${JSON.stringify(rest)}`;
}

/** Encodes a version for storage. */
export function encodeState(state: ConversationState): StoredState {
  return { ...plainOf(state), body: new Binary(Buffer.from(bodyText(state), 'utf8'), TEXT_BODY) };
}

/**
 * Decodes one stored version. Its `transcript` holds only the lines the document stores: when
 * `transcriptKept` > 0, the first that many come from the version before (see
 * `VersionStore.latest`, which joins them).
 */
export function decodeState(stored: StoredState): ConversationState {
  const text =
    stored.body.sub_type === TEXT_BODY
      ? Buffer.from(stored.body.buffer).toString('utf8')
      : inflateRawSync(stored.body.buffer).toString('utf8');
  const cut = text.indexOf('\n');
  const snapshot = text.slice(0, cut);
  const body = JSON.parse(text.slice(cut + 1)) as Body;
  return {
    ...body,
    // Versions stored before 2026-11-28 do not say which message they answered.
    replyTo: body.replyTo ?? null,
    lastSequence: body.lastSequence ?? null,
    snapshot: snapshot === 'null' ? null : snapshot,
    sessionStartedAt: new Date(body.sessionStartedAt),
    transcript: body.transcript.map((t) => ({ ...t, at: new Date(t.at) })),
    // Versions stored before transcripts were split hold the whole transcript.
    transcriptKept: body.transcriptKept ?? 0,
    transcriptDepth: body.transcriptDepth ?? 0,
    deadlines: body.deadlines.map((d) => ({ ...d, dueAt: new Date(d.dueAt) })),
    ...plainOf(stored),
  };
}
