import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import pLimit, { type LimitFunction } from 'p-limit';
import type { OutboundMessage } from '../../bot/engine/messages.ts';

/** How a callback sender posts, retries and gives up. */
export interface CallbackOptions {
  readonly url: string;
  /** Sent as `Authorization: Bearer …` when given. */
  readonly token?: string | null;
  readonly logger: FastifyBaseLogger;
  /** Tries per reply before it is given up (a poll still finds it). */
  readonly attempts?: number;
  /** The first wait between tries; each next one doubles, up to `maxDelayMs`. */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
  /** How long one POST may take. */
  readonly timeoutMs?: number;
  /** Replies waiting at most (a callback down for hours must not fill the memory). */
  readonly maxPending?: number;
  /** POSTs in flight at once (one per conversation at a time, so each keeps its order). */
  readonly concurrency?: number;
}

/** The JSON a callback receives: one reply. The receiver drops a `deliveryId` it already has. */
export interface CallbackBody {
  deliveryId: string;
  conversationId: string;
  userId: string;
  inReplyTo: string | null;
  language: string;
  key: string;
  text: string;
  choices: { id: string; label: string }[];
}

/** What one try ended in: delivered, worth another try, or refused for good (a 4xx). */
type Attempt = 'sent' | 'retry' | 'refused';

/** Statuses that say "try again later". */
const RETRYABLE = new Set([408, 425, 429]);

/**
 * Posts the replies no request is waiting for (a timer's, an agent's, one recovered after a
 * crash, one whose request went away) to the integration's callback URL. `push` returns at
 * once, so a turn never waits on the callback. Each conversation's replies go one at a time,
 * in order; a failed POST is tried again with exponential back-off and jitter. Each carries its
 * `deliveryId` (also as `Idempotency-Key`): a retry after a lost answer is a repeat the
 * receiver drops.
 */
export class CallbackSender {
  /** Replies POSTed, given up, and dropped because too many were waiting. */
  readonly stats = { sent: 0, failed: 0, dropped: 0 };
  readonly #o: Required<Omit<CallbackOptions, 'token'>> & { token: string | null };
  /** The last send queued for each conversation: the next waits for it. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #limit: LimitFunction;
  readonly #stopping = new AbortController();
  #pending = 0;

  constructor(options: CallbackOptions) {
    this.#o = {
      attempts: 8,
      firstDelayMs: 500,
      maxDelayMs: 60_000,
      timeoutMs: 5_000,
      maxPending: 10_000,
      concurrency: 8,
      ...options,
      token: options.token ?? null,
    };
    this.#limit = pLimit(this.#o.concurrency);
  }

  /** Replies queued or being sent. */
  get pending(): number {
    return this.#pending;
  }

  /** Queues a reply for the callback; never waits and never throws. */
  push(message: OutboundMessage): void {
    if (this.#stopping.signal.aborted) return;
    if (this.#pending >= this.#o.maxPending) {
      this.stats.dropped++;
      this.#o.logger.warn(
        { conversationId: message.conversationId, deliveryId: message.deliveryId },
        'callback queue full: reply dropped (a poll still finds it)',
      );
      return;
    }
    this.#pending++;
    const key = message.conversationId;
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.#limit(() => this.#send(message)))
      .catch((error: unknown) =>
        this.#o.logger.error({ err: error, conversationId: key }, 'callback failed'),
      )
      .finally(() => {
        this.#pending--;
        if (this.#chains.get(key) === next) this.#chains.delete(key);
      });
    this.#chains.set(key, next);
  }

  /** Stops trying: what is still waiting is left to polls. */
  async stop(): Promise<void> {
    if (this.#pending > 0)
      this.#o.logger.warn(
        { pending: this.#pending },
        'stopping with replies not yet pushed to the callback (a poll finds them)',
      );
    this.#stopping.abort();
    await Promise.allSettled([...this.#chains.values()]);
  }

  async #send(message: OutboundMessage): Promise<void> {
    const log = this.#o.logger.child({
      conversationId: message.conversationId,
      deliveryId: message.deliveryId,
    });
    for (let attempt = 1; !this.#stopping.signal.aborted; attempt++) {
      const { result, waitMs, reason } = await this.#post(message);
      if (result === 'sent') {
        this.stats.sent++;
        return;
      }
      if (result === 'refused' || attempt >= this.#o.attempts) {
        this.stats.failed++;
        log.error(
          { reason, attempts: attempt },
          'callback gave up on a reply (a poll still finds it)',
        );
        return;
      }
      log.warn({ reason, attempt }, 'callback failed, trying again');
      const backoff = Math.min(this.#o.maxDelayMs, this.#o.firstDelayMs * 2 ** (attempt - 1));
      const delay = Math.min(
        this.#o.maxDelayMs,
        Math.max(waitMs, backoff * (0.5 + Math.random() / 2)),
      );
      await sleep(delay, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
    }
  }

  async #post(
    message: OutboundMessage,
  ): Promise<{ result: Attempt; waitMs: number; reason: string }> {
    const body: CallbackBody = {
      deliveryId: message.deliveryId,
      conversationId: message.conversationId,
      userId: message.channelUserId,
      inReplyTo: message.inReplyTo,
      language: message.language,
      key: message.reply.key,
      text: message.text,
      choices: message.choices,
    };
    try {
      const response = await fetch(this.#o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': message.deliveryId,
          ...(this.#o.token ? { authorization: `Bearer ${this.#o.token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.any([AbortSignal.timeout(this.#o.timeoutMs), this.#stopping.signal]),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { result: 'sent', waitMs: 0, reason: '' };
      const reason = `HTTP ${response.status}`;
      if (response.status < 500 && !RETRYABLE.has(response.status))
        return { result: 'refused', waitMs: 0, reason };
      return { result: 'retry', waitMs: retryAfterMs(response.headers.get('retry-after')), reason };
    } catch (error) {
      // fetch says "fetch failed"; the cause says why (ECONNREFUSED, a timeout).
      const { message, cause } = error as Error & { cause?: { code?: string; message?: string } };
      const why = cause?.code ?? cause?.message;
      return { result: 'retry', waitMs: 0, reason: why ? `${message} (${why})` : message };
    }
  }
}

/** A `Retry-After` in seconds, as milliseconds (0 when absent or a date). */
function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return header !== null && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}
