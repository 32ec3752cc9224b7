import type { Clock } from '../../domain/clock.ts';
import type { ConversationEngine } from './engine.ts';
import type { CaseTimer, TimerDocument, TimerStore } from './store/index.ts';

/**
 * Fires durable deadlines (decision 2). Every process runs one: it reads due timers, claims
 * each by inserting a unique claim document, and feeds it to the engine as an event. A claim
 * whose owner died (older than `staleClaimMs`) is taken over; the engine's unique answered-input
 * key makes the timer fire once all the same.
 */
export class Scheduler {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;
  fired = 0;
  /** How many timers were due at the last tick (metrics: the scheduler keeping up or not). */
  dueAtLastTick = 0;

  constructor(
    private readonly timers: TimerStore,
    private readonly engine: ConversationEngine,
    private readonly clock: Clock,
    /** What to do when a case's SLA deadline passes: 'done' when it acted. */
    private readonly caseWatch: (timer: CaseTimer) => Promise<'done' | 'nothing'>,
    private readonly options: {
      pollMs?: number;
      staleClaimMs?: number;
      onError?: (error: unknown) => void;
    } = {},
  ) {}

  start(): void {
    if (this.#timer) return;
    const poll = this.options.pollMs ?? 1_000;
    this.#timer = setInterval(() => void this.tick().catch((e) => this.options.onError?.(e)), poll);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** Fires every due timer once; returns how many this process fired. */
  tick(): Promise<number> {
    this.#running ??= this.#tick().finally(() => (this.#running = null));
    return this.#running;
  }

  async #tick(): Promise<number> {
    const now = this.clock.now();
    const due = await this.timers.due(now);
    this.dueAtLastTick = due.length;
    let fired = 0;
    const results = await Promise.allSettled(
      due.map(async (timer) => {
        if (await this.#claim(timer, now)) {
          if (await this.#fire(timer)) fired++;
          await this.timers.finish(timer);
        }
      }),
    );
    for (const result of results)
      if (result.status === 'rejected') this.options.onError?.(result.reason);
    this.fired += fired;
    return fired;
  }

  /** A conversation's timer goes to the engine; a case's to the case watch. */
  async #fire(timer: TimerDocument): Promise<boolean> {
    if ('caseNumber' in timer) return (await this.caseWatch(timer)) === 'done';
    return (await this.engine.fire(timer)) === 'answered';
  }

  async #claim(timer: TimerDocument, now: Date): Promise<boolean> {
    if (await this.timers.claim(timer, this.engine.processId, now)) return true;
    const claim = await this.timers.claimOf(timer);
    const stale = this.options.staleClaimMs ?? 30_000;
    // The claimer died before finishing: take over (the engine still answers a timer once).
    return claim !== null && now.getTime() - claim.at.getTime() > stale;
  }
}
