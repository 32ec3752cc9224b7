/** Errors of the conversation engine: each names the conversation it happened in. */
import { AtiendeError } from '../../domain/errors.ts';

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
