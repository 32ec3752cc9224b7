/** An item waiting in a batch, with the settling of its own promise. */
export interface Queued<T, R> {
  readonly item: T;
  resolve(outcome: R): void;
  reject(error: unknown): void;
}

/** Writes one batch and settles each item's promise; a throw rejects the items it left. */
export type WriteBatch<T, R> = (batch: Queued<T, R>[]) => Promise<void>;

/** How a batcher gathers items and bounds its writes. */
export interface BatcherOptions {
  /** How long a batch waits for more items before it is written (0: the end of this tick). */
  lingerMs?: number;
  /** The most items one write takes; the rest go in the next. */
  maxBatch?: number;
  /** Writes in flight at once; items added meanwhile gather for the next. */
  maxConcurrent?: number;
}

/**
 * Group commit, the one batcher of the codebase: items added within one tick of the event loop
 * (or within `lingerMs`) share one write, at most `maxBatch` per write and `maxConcurrent`
 * writes in flight. Under load a batch grows while the previous writes are out, so many callers
 * pay one round trip; alone, a caller waits no longer than the end of its tick. Each item's
 * promise settles with its own outcome, so one refused item need not fail the others.
 */
export class Batcher<T, R> {
  #queue: Queued<T, R>[] = [];
  #scheduled = false;
  /** The pending linger timer or immediate, cancelled when a flush takes the batch early. */
  #timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  #inFlight = 0;
  /** Flushes waiting for a write to end. */
  #waiters: (() => void)[] = [];
  /** Writes made, for the benchmark and metrics. */
  roundTrips = 0;
  readonly #write: WriteBatch<T, R>;
  readonly #lingerMs: number;
  readonly #maxBatch: number;
  readonly #maxConcurrent: number;

  constructor(write: WriteBatch<T, R>, options: BatcherOptions = {}) {
    this.#write = write;
    this.#lingerMs = options.lingerMs ?? 0;
    this.#maxBatch = options.maxBatch ?? Infinity;
    this.#maxConcurrent = options.maxConcurrent ?? 2;
  }

  /** Queues an item; resolves with its outcome once its batch is written. */
  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxConcurrent || this.#queue.length === 0)
      return;
    this.#scheduled = true;
    this.#timer =
      this.#lingerMs > 0 ? setTimeout(this.#take, this.#lingerMs) : setImmediate(this.#take);
  }

  /**
   * Writes what is queued now, without waiting for the linger, and resolves once nothing is
   * queued or in flight: a clean stop calls it before the database closes, so that a lingering
   * write (the outbox journal's settled entries) is not attempted on a closed client.
   */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight > 0) {
      if (this.#queue.length > 0 && this.#inFlight < this.#maxConcurrent) this.#take();
      if (this.#inFlight === 0) continue;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  readonly #take = (): void => {
    if (this.#timer && this.#lingerMs > 0) clearTimeout(this.#timer as NodeJS.Timeout);
    else if (this.#timer) clearImmediate(this.#timer as NodeJS.Immediate);
    this.#timer = null;
    this.#scheduled = false;
    const batch =
      this.#queue.length <= this.#maxBatch
        ? this.#queue.splice(0)
        : this.#queue.splice(0, this.#maxBatch);
    if (batch.length > 0) void this.#flush(batch);
    this.#schedule();
  };

  async #flush(batch: Queued<T, R>[]): Promise<void> {
    this.#inFlight++;
    this.roundTrips++;
    try {
      await this.#write(batch);
    } catch (error) {
      for (const queued of batch) queued.reject(error);
    } finally {
      this.#inFlight--;
      this.#schedule();
      for (const wake of this.#waiters.splice(0)) wake();
    }
  }
}
