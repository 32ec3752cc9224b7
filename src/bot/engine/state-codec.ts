import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Binary } from 'mongodb';
import type { ConversationState } from './state.ts';

/**
 * A conversation state as stored: the fields the database matches on stay plain, everything
 * else travels as one deflated JSON blob. FerretDB v1 scans whole collections to read and
 * decodes every field of every document it scans, so a state of a few plain fields and one
 * binary is several times cheaper to scan than the nested snapshot, transcript and outbox.
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
  keyof StoredState | 'sessionStartedAt' | 'transcript' | 'deadlines'
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

export function encodeState(state: ConversationState): StoredState {
  const rest: Partial<ConversationState> = { ...state };
  for (const key of [...PLAIN, 'snapshot'] as const) delete rest[key];
  const text = `${state.snapshot ?? 'null'}\n${JSON.stringify(rest)}`;
  return { ...plainOf(state), body: new Binary(deflateRawSync(text, { level: 1 })) };
}

export function decodeState(stored: StoredState): ConversationState {
  const text = inflateRawSync(stored.body.buffer).toString('utf8');
  const cut = text.indexOf('\n');
  const snapshot = text.slice(0, cut);
  const body = JSON.parse(text.slice(cut + 1)) as Body;
  return {
    ...body,
    snapshot: snapshot === 'null' ? null : snapshot,
    sessionStartedAt: new Date(body.sessionStartedAt),
    transcript: body.transcript.map((t) => ({ ...t, at: new Date(t.at) })),
    deadlines: body.deadlines.map((d) => ({ ...d, dueAt: new Date(d.dueAt) })),
    ...plainOf(stored),
  };
}
