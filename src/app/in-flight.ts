/**
 * The turns a process is running, so that a clean stop (issue 17) can wait for them to end
 * before it releases the channels and closes the database.
 */
export class InFlight {
  #running = 0;
  #idle: (() => void)[] = [];

  /** How many tracked calls have not settled. */
  get count(): number {
    return this.#running;
  }

  /** Wraps `call` so that each of its promises counts until it settles. */
  track<A extends unknown[], R>(call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      this.#running++;
      try {
        return await call(...args);
      } finally {
        if (--this.#running === 0) for (const wake of this.#idle.splice(0)) wake();
      }
    };
  }

  /** Resolves once no tracked call is running (at once when none is). */
  drained(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
