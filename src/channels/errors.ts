import type { OutboundMessage } from '../bot/engine/messages.ts';
import { AtiendeError } from '../domain/errors.ts';

/** Which limit refused a message: its sender's, or its address's (many senders at once). */
export type RateLimitKind = 'user' | 'address';

/**
 * A message or request over a rate limit, refused before anything was stored: the client may
 * send it again after `retryAfterMs`. `reply` is what the customer is told, in their language,
 * as the answer of the refused message (null for a request that carries no message, a poll).
 */
export class RateLimited extends AtiendeError {
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly kind: RateLimitKind,
    readonly retryAfterMs: number,
    readonly reply: OutboundMessage | null,
  ) {
    super(`too many ${kind === 'user' ? 'messages from this user' : 'requests from this address'}`);
  }

  /** Whole seconds to wait, at least 1: the `Retry-After` of an HTTP answer. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}
