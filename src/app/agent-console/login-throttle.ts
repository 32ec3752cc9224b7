/**
 * Failed log-ins to the agent console, limited per client address and per e-mail: guessing
 * passwords from one address, or at one agent from many, soon waits. Token buckets in memory
 * (`rate-limit.ts`, real time): each process counts its own, so with n processes an attacker
 * gets n times the tries — still a handful a minute, against argon2id hashes.
 */
import { LRUCache } from 'lru-cache';
import { performance } from 'node:perf_hooks';
import { TokenBuckets, type RateLimit } from '../rate-limit.ts';

/** How many failures an address and an e-mail may have: a burst, then a few per minute. */
export interface LoginLimits {
  address: RateLimit;
  email: RateLimit;
}

/** 10 failures from one address, 5 at one e-mail, then one every 30 s (one a minute for an e-mail). */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  address: { burst: 10, perMinute: 2 },
  email: { burst: 5, perMinute: 1 },
};

/** Failures per address and per e-mail; a key out of tries is refused until it has one again. */
export class LoginThrottle {
  readonly #address: TokenBuckets;
  readonly #email: TokenBuckets;
  /** Keys out of tries, until when (monotonic ms). */
  readonly #blocked = new LRUCache<string, number>({ max: 50_000 });

  constructor(
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#address = new TokenBuckets(limits.address, 50_000, now);
    this.#email = new TokenBuckets(limits.email, 50_000, now);
  }

  /** Milliseconds until this address and e-mail may try again (0: now). */
  waitMs(address: string, email: string): number {
    const now = this.now();
    const until = Math.max(
      this.#blocked.get(`a:${address}`) ?? 0,
      this.#blocked.get(`e:${email}`) ?? 0,
    );
    return Math.max(0, Math.ceil(until - now));
  }

  /** Counts a failed log-in against the address and the e-mail. */
  failed(address: string, email: string): void {
    const now = this.now();
    const byAddress = this.#address.take(address);
    if (byAddress > 0) this.#blocked.set(`a:${address}`, now + byAddress);
    const byEmail = this.#email.take(email);
    if (byEmail > 0) this.#blocked.set(`e:${email}`, now + byEmail);
  }
}
