import type { ConversationState } from './state.ts';

/**
 * A version's frame: the XState snapshot and the session's fields. Most turns of a flood, and
 * every customer message while a conversation waits for a person, leave it as it was: their
 * documents refer to the version that stores it instead of storing it again.
 */
export type Frame = Pick<
  ConversationState,
  | 'snapshot'
  | 'session'
  | 'sessionStartedAt'
  | 'flowInput'
  | 'deadlines'
  | 'handoff'
  | 'accountNumber'
>;

/** A frame's fields but the snapshot, as the frame's text stores them (instants as ISO text). */
type FrameFields = Omit<Frame, 'snapshot' | 'sessionStartedAt' | 'deadlines'> & {
  sessionStartedAt: string;
  deadlines: (Omit<Frame['deadlines'][number], 'dueAt'> & { dueAt: string })[];
};

/**
 * The frame's fields but the snapshot, as JSON: compared with the version before's (with the
 * snapshot's text) to tell a changed frame, so memory keeps this short text, not the frame's.
 */
export function frameFieldsOf(frame: Omit<Frame, 'snapshot'>): string {
  const fields: Omit<Frame, 'snapshot'> = {
    session: frame.session,
    sessionStartedAt: frame.sessionStartedAt,
    flowInput: frame.flowInput,
    deadlines: frame.deadlines,
    handoff: frame.handoff,
    accountNumber: frame.accountNumber,
  };
  return JSON.stringify(fields);
}

/**
 * The frame as stored: the snapshot's JSON text (already JSON: not escaped into a string a
 * second time), a newline, the other fields' JSON (JSON text holds no raw newline).
 */
export function frameTextOf(snapshot: string | null, fields: string): string {
  return `${snapshot ?? 'null'}\n${fields}`;
}

/** The frame a text stores (`frameTextOf`'s inverse). */
export function frameOfText(text: string): Frame {
  const cut = text.indexOf('\n');
  const snapshot = text.slice(0, cut);
  const fields = JSON.parse(text.slice(cut + 1)) as FrameFields;
  return {
    snapshot: snapshot === 'null' ? null : snapshot,
    session: fields.session,
    sessionStartedAt: new Date(fields.sessionStartedAt),
    flowInput: fields.flowInput,
    deadlines: fields.deadlines.map((d) => ({ ...d, dueAt: new Date(d.dueAt) })),
    handoff: fields.handoff,
    accountNumber: fields.accountNumber,
  };
}
