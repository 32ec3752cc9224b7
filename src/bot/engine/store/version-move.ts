import { RECENT_INPUTS, type ConversationState } from '../state.ts';

/** The input a standing version answers begins with this (it answers none of the customer's). */
export const STANDING_INPUT = 'compacted:';

/**
 * The latest state as the next version, standing alone (no `stored` position: the encoder
 * writes its snapshot, fields, transcript and inputs whole), as a move to a newer generation
 * (and compaction before it) stores it. It answers an input of its own (`compacted:`), appended
 * to `recent` so that each key there still names its version; a redelivered input is
 * recognised by `recent` once the versions that answered it are gone.
 */
export function standingVersion(latest: ConversationState): ConversationState {
  const version = latest.version + 1;
  const answers = `${STANDING_INPUT}${latest.conversationId}:${version}`;
  const { stored: _stored, ...state } = latest;
  return {
    ...state,
    _id: `${latest.conversationId}:${version}`,
    version,
    answers,
    recent: [...latest.recent, answers].slice(-RECENT_INPUTS),
    outbox: [],
    pendingOutbox: false,
    transcriptKept: 0,
    transcriptDepth: 0,
  };
}
