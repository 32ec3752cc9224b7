/** Errors of the conversation engine: each names the conversation it happened in. */
import { AtiendeError } from '../../domain/errors.ts';
import { FlowTurnTimeout } from '../../flows/run-turn.ts';

/** A failure while serving one conversation; logs and HTTP errors carry its id. */
export abstract class ConversationError extends AtiendeError {
  constructor(
    readonly conversationId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`conversation ${conversationId}: ${message}`, options);
  }
}

/** Other processes kept storing versions first: the turn gave up rather than loop forever. */
export class VersionConflictsExhausted extends ConversationError {
  readonly code = 'VERSION_CONFLICTS_EXHAUSTED';
}

/** Input for a network this process has no channel for: refused before anything is stored. */
export class ChannelUnavailable extends ConversationError {
  readonly code = 'CHANNEL_UNAVAILABLE';
}

/** A turn's flow did not come to rest in time (its services waited on the database too long). */
export class TurnTimedOut extends ConversationError {
  readonly code = 'FLOW_TURN_TIMEOUT';
}

/** A turn failed for another reason (the database, a channel): `cause` says which. */
export class TurnFailed extends ConversationError {
  readonly code = 'TURN_FAILED';
}

/**
 * The error a failed turn surfaces: one that names its conversation, the original as `cause`,
 * so logs and HTTP errors can say which conversation failed.
 */
export function turnError(conversationId: string, error: unknown): ConversationError {
  if (error instanceof ConversationError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof FlowTurnTimeout
    ? new TurnTimedOut(conversationId, message, { cause: error })
    : new TurnFailed(conversationId, message, { cause: error });
}
