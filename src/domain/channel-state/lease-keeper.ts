import type { Clock } from '../clock.ts';
import type { LeaseStore } from './lease-store.ts';
import type { HeldLease, LeaseEvents, LeaseLossReason, Leases } from './ports.ts';

/**
 * How a lease is kept. A holder renews every `renewEveryMs` and counts a renewal only if it
 * was written before its validity ran out; it holds until `ttlMs - marginMs` after the renewal
 * began. A contender claims the next term only `skewMs` after the stored expiry. So, with the
 * processes' clocks less than `marginMs + skewMs` apart, the old holder has stopped before a new
 * one starts; a dead holder is replaced within `ttlMs + skewMs + renewEveryMs`.
 */
export interface LeaseTimings {
  ttlMs: number;
  renewEveryMs: number;
  marginMs: number;
  skewMs: number;
}

/** Taken over within about 13 s of the holder's death; renewed every 2 s. */
export const DEFAULT_LEASE_TIMINGS: LeaseTimings = {
  ttlMs: 10_000,
  renewEveryMs: 2_000,
  marginMs: 2_000,
  skewMs: 1_000,
};

/**
 * One owner at a time for a name across processes (decision 6), on terms claimed by insert
 * (decision 0). `clock` must be real time, the same in every process: never a simulated clock.
 */
export class LeaseKeeper implements Leases {
  constructor(
    private readonly store: LeaseStore,
    /** This process, as written on the terms it holds. */
    private readonly holder: string,
    private readonly clock: Clock,
    private readonly timings: LeaseTimings = DEFAULT_LEASE_TIMINGS,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  keep(name: string, events: LeaseEvents): HeldLease {
    const lease = new KeptLease(
      this.store,
      name,
      this.holder,
      this.clock,
      this.timings,
      events,
      this.onError,
    );
    lease.start();
    return lease;
  }
}

class KeptLease implements HeldLease {
  #term: number | null = null;
  /** Until when (ms) this process may act on its term. */
  #validUntil = 0;
  /** The latest term seen. */
  #known = 0;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #expiry: NodeJS.Timeout | undefined;
  #tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: LeaseStore,
    private readonly name: string,
    private readonly holder: string,
    private readonly clock: Clock,
    private readonly timings: LeaseTimings,
    private readonly events: LeaseEvents,
    private readonly onError: (error: unknown) => void,
  ) {}

  get term(): number | null {
    return this.#term;
  }

  holds(): boolean {
    return this.#term !== null && this.#now() < this.#validUntil;
  }

  start(): void {
    this.#schedule(0);
  }

  async release(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#tick;
    const term = this.#term;
    if (term === null) return;
    // Expired at once, so that another process need not wait out the term.
    const past = new Date(this.#now() - this.timings.skewMs - this.timings.ttlMs);
    await this.store.extend(this.name, term, past).catch(this.onError);
    await this.#lose('released');
  }

  #now(): number {
    return this.clock.now().getTime();
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.#step()
        .catch(this.onError)
        .finally(() => this.#schedule(this.timings.renewEveryMs));
    }, ms);
  }

  async #step(): Promise<void> {
    if (this.#term === null) await this.#contend();
    else await this.#renew(this.#term);
  }

  async #contend(): Promise<void> {
    this.#known = await this.store.latest(this.name, this.#known);
    const current = await this.store.read(this.name, this.#known);
    if (current && current.expiresAt.getTime() + this.timings.skewMs > this.#now()) return;
    const next = this.#known + 1;
    const began = this.#now();
    const won = await this.store.claim(
      this.name,
      next,
      this.holder,
      new Date(began + this.timings.ttlMs),
    );
    this.#known = next;
    if (!won || this.#stopped) return;
    this.#term = next;
    this.#hold(began);
    await this.events.onAcquired(next);
  }

  async #renew(term: number): Promise<void> {
    if (this.#now() >= this.#validUntil) return this.#lose('notRenewed');
    if (await this.store.read(this.name, term + 1)) return this.#lose('superseded');
    const began = this.#now();
    await this.store.extend(this.name, term, new Date(began + this.timings.ttlMs));
    // Written too late to count: a contender may already have judged the term expired.
    if (this.#now() >= this.#validUntil) return this.#lose('notRenewed');
    this.#hold(began);
  }

  /** Holds from a claim or renewal begun at `began`, and steps down when it runs out. */
  #hold(began: number): void {
    this.#validUntil = began + this.timings.ttlMs - this.timings.marginMs;
    clearTimeout(this.#expiry);
    this.#expiry = setTimeout(
      () => {
        if (this.#term !== null && this.#now() >= this.#validUntil)
          this.#lose('notRenewed').catch(this.onError);
      },
      Math.max(0, this.#validUntil - this.#now()),
    );
  }

  async #lose(reason: LeaseLossReason): Promise<void> {
    const term = this.#term;
    if (term === null) return;
    this.#term = null;
    this.#validUntil = 0;
    clearTimeout(this.#expiry);
    await this.events.onLost(term, reason);
  }
}
