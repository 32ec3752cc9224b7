import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';

/** How fast one sender may go: `burst` messages at once, then `perMinute` (> 0) on average. */
export interface RateLimit {
  readonly burst: number;
  readonly perMinute: number;
}

/** The limits on every inbound channel: per user (a conversation) and per client address. */
export interface RateLimits {
  readonly user: RateLimit;
  readonly address: RateLimit;
  /** Senders remembered per limit (least recently seen forgotten first): bounded memory. */
  readonly tracked?: number;
}

/**
 * A person typing sends a few messages in a second at most and a few dozen in a minute; an
 * address may stand for many people (an office, an integration's server), so its limit is
 * looser. Both are configurable (`ATIENDE_RATE_*`).
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  user: { burst: 5, perMinute: 30 },
  address: { burst: 60, perMinute: 600 },
};

/** Senders remembered per limit by default: ~100 bytes each. */
const DEFAULT_TRACKED = 50_000;

interface Bucket {
  tokens: number;
  /** When `tokens` was counted (ms, monotonic). */
  at: number;
}

/**
 * Token buckets, one per key, in an LRU: each holds up to `burst` tokens and gains `perMinute`
 * per minute; a message takes one. A forgotten key starts full again, which errs towards
 * letting a customer through. Real time (monotonic), not the business clock: a simulated clock
 * running 60 times faster must not loosen the limits.
 */
export class TokenBuckets {
  readonly #buckets: LRUCache<string, Bucket>;
  readonly #perMs: number;

  constructor(
    readonly limit: RateLimit,
    tracked = DEFAULT_TRACKED,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#buckets = new LRUCache({ max: tracked });
    this.#perMs = limit.perMinute / 60_000;
  }

  /** Takes a token for `key`: 0 when it had one, else the milliseconds until it will. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key);
    const tokens = bucket
      ? Math.min(this.limit.burst, bucket.tokens + (now - bucket.at) * this.#perMs)
      : this.limit.burst;
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: now });
      return 0;
    }
    this.#buckets.set(key, { tokens, at: now });
    return Math.ceil((1 - tokens) / this.#perMs);
  }

  /** Keys remembered now. */
  get size(): number {
    return this.#buckets.size;
  }
}
