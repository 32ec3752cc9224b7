/**
 * Time is injected, never read ad hoc, so SLA, office hours and the 20- and 40-minute rules are
 * testable to the second. Every module that needs "now" takes a Clock.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved: for tests. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string) {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  /** Moves the clock forward by a number of milliseconds. */
  advance(ms: number): void {
    this.#ms += ms;
  }
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
  set(at: Date | string): void {
    this.#ms = new Date(at).getTime();
  }
}

/**
 * A clock that starts at a chosen instant and runs `speed` simulated seconds per real second:
 * for trying nights, weekends and the 20-minute limit on a running server or the terminal chat.
 */
export class SimulatedClock implements Clock {
  readonly #start: number;
  readonly #realStart: number;
  constructor(
    start: Date,
    readonly speed: number,
    private readonly real: Clock = systemClock,
  ) {
    this.#start = start.getTime();
    this.#realStart = real.now().getTime();
  }
  now(): Date {
    return new Date(this.#start + (this.real.now().getTime() - this.#realStart) * this.speed);
  }
}

/** A clock that can be moved forward by hand on top of another: `/wait` in the terminal chat. */
export class ShiftedClock implements Clock {
  #offsetMs = 0;
  constructor(private readonly base: Clock) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.#offsetMs);
  }
  advanceMinutes(minutes: number): void {
    this.#offsetMs += minutes * 60_000;
  }
}
