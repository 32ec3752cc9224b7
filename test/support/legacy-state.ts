import { Binary } from 'mongodb';
import type { ConversationState } from '../../src/bot/engine/state.ts';
import type { StoredState } from '../../src/bot/engine/state-codec.ts';

/**
 * A version's document exactly as the code of 2026-11-25 to 2026-11-28 wrote it (binary
 * subtype 0x80): the snapshot's JSON, a newline, then every other field as JSON, with the
 * transcript lines after the `transcriptKept` shared with the version before. For the tests
 * that stored conversations of that layout still load.
 */
export function legacyStateDocument(state: ConversationState): StoredState {
  const rest = {
    recent: state.recent,
    replyTo: state.replyTo,
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
  return {
    _id: state._id,
    conversationId: state.conversationId,
    version: state.version,
    answers: state.answers,
    mode: state.mode,
    pendingOutbox: state.pendingOutbox,
    createdAt: state.createdAt,
    body: new Binary(
      Buffer.from(`${state.snapshot ?? 'null'}\n${JSON.stringify(rest)}`, 'utf8'),
      0x80,
    ),
  };
}
