/** Errors of the conversation engine: each names the conversation it happened in. */
import { AtiendeError } from '../../domain/errors.ts';
import { FlowTurnTimeout } from '../../flows/run-turn.ts';
import { isDatabaseUnreachable } from '../database/unreachable.ts';

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

/**
 * The database did not answer (down, restarting, unreachable) within the driver's limits: the
 * turn failed in seconds, its version not stored (or, if the connection broke on the reply,
 * not known to be), so the message is to be sent again: a stored one is then a duplicate.
 */
export class DatabaseUnreachable extends ConversationError {
  readonly code = 'DATABASE_UNREACHABLE';
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
  if (isDatabaseUnreachable(error))
    return new DatabaseUnreachable(conversationId, message, { cause: error });
  return error instanceof FlowTurnTimeout
    ? new TurnTimedOut(conversationId, message, { cause: error })
    : new TurnFailed(conversationId, message, { cause: error });
}
