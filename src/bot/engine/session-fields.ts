import type { ConversationState } from './state.ts';

/**
 * A session's fields: what a version holds besides its snapshot that most turns leave as it
 * was (the flow's input, the deadlines, the hand-off, the account). A version's document stores
 * them, and its snapshot, only when its turn changed them; otherwise it names the version whose
 * document does.
 */
export type SessionFields = Pick<
  ConversationState,
  'session' | 'sessionStartedAt' | 'flowInput' | 'deadlines' | 'handoff' | 'accountNumber'
>;

/** The fields as their JSON gives them back (instants as ISO text). */
type SessionFieldsJson = Omit<SessionFields, 'sessionStartedAt' | 'deadlines'> & {
  sessionStartedAt: string;
  deadlines: (Omit<SessionFields['deadlines'][number], 'dueAt'> & { dueAt: string })[];
};

/**
 * The session's fields as stored, JSON (no raw newline): the same fields give the same text, so
 * comparing texts tells a turn that changed them, and memory keeps this short text.
 */
export function sessionFieldsText(state: SessionFields): string {
  const fields: SessionFields = {
    session: state.session,
    sessionStartedAt: state.sessionStartedAt,
    flowInput: state.flowInput,
    deadlines: state.deadlines,
    handoff: state.handoff,
    accountNumber: state.accountNumber,
  };
  return JSON.stringify(fields);
}

/** The session's fields a text stores (`sessionFieldsText`'s inverse). */
export function sessionFieldsOf(text: string): SessionFields {
  const fields = JSON.parse(text) as SessionFieldsJson;
  return {
    session: fields.session,
    sessionStartedAt: new Date(fields.sessionStartedAt),
    flowInput: fields.flowInput,
    deadlines: fields.deadlines.map((d) => ({ ...d, dueAt: new Date(d.dueAt) })),
    handoff: fields.handoff,
    accountNumber: fields.accountNumber,
  };
}
