/**
 * The SLA watch (R002-5, R003-6, R003-8) on durable timers (decision 2): for each goal of a case
 * (first contact, response, solution) a warning some business minutes before it is due and the
 * due instant itself. Issue 17: a case holds one timer, for its next instant, and each instant
 * fired schedules the one after it (opening a case writes one timer, not six, on the turn). A
 * recomputed due instant (a raised priority, a pause that ended) is a new timer; a timer whose
 * instant is no longer the case's is stale and acts on nothing. Warnings and breaches are
 * marked once by unique inserts, whichever process fires them.
 */
import { EventEmitter } from 'node:events';
import type { Case, CaseNumber, SlaAlert } from '../domain/cases/case.ts';
import type { SlaInstant } from '../domain/cases/sla-service.ts';
import type { Clock } from '../domain/clock.ts';
import type { Domain } from '../domain/domain.ts';
import type { SlaGoal } from '../domain/policy/index.ts';
import type { CaseTimer, TimerStore } from './engine/store/index.ts';

/** An SLA warning or breach just marked, for the consoles (the case's level and conversation). */
export interface SlaAlertNotice extends SlaAlert {
  caseNumber: CaseNumber;
  level: Case['level'];
  priority: Case['priority'];
  conversationId: string | null;
}

/**
 * How long after a case's opening its first timer makes sure of the opening's mail and count
 * (done right after the turn; this only matters when the process died before them).
 */
export const OPENING_CHECK_MS = 60_000;

/** Watches the SLA of open cases through the scheduler's timers. */
export class SlaWatch {
  readonly #alerts = new EventEmitter();
  /**
   * What follows a case's opening off its turn, made sure of when the case's first timer
   * (`opening`) fires: a process that died before doing it leaves it to that timer.
   */
  onOpeningDue: ((found: Case) => Promise<unknown>) | null = null;

  constructor(
    private readonly domain: Domain,
    private readonly timers: TimerStore,
    private readonly clock: Clock,
  ) {
    this.#alerts.setMaxListeners(0);
  }

  /** Listens to the warnings and breaches this process marks; returns the unsubscriber. */
  onAlert(listener: (notice: SlaAlertNotice) => void): () => void {
    this.#alerts.on('alert', listener);
    return () => this.#alerts.off('alert', listener);
  }

  /**
   * Schedules the case's first instant as it stands, or its first at or after `from` (issue 17:
   * one timer per case, for its next instant; each one fired sets the one after it, see
   * `fire`). Idempotent: a timer's id names its goal, phase and instant. An instant already
   * past fires at the next tick, with every past one after it.
   */
  async schedule(found: Case, from?: Date): Promise<void> {
    const first = this.domain.sla.nextInstant(found, from);
    if (first) await this.timers.schedule(timerOf(found.number, first));
  }

  /**
   * A case just opened: its first instant's timer, marked as the record of what follows the
   * opening off the turn (`onOpeningDue`). Written in the turn, so a stored turn always has it.
   */
  async opened(found: Case): Promise<void> {
    const first = this.domain.sla.nextInstant(found);
    if (!first) return;
    // Due a minute after the opening at the latest, not at the first instant (the next business
    // morning for a case opened at night): a crash delays the opening's mail by a minute.
    // Fired before its instant it is stale, acts on nothing, and schedules the first instant.
    const check = new Date(found.openedAt.getTime() + OPENING_CHECK_MS);
    const timer =
      first.at.getTime() <= check.getTime()
        ? timerOf(found.number, first)
        : {
            ...timerOf(found.number, { ...first, at: check }),
            _id: `case:${found.number}:opening`,
          };
    await this.timers.schedule({ ...timer, opening: true });
  }

  /** The case waits on the customer: its response and solution clocks stop. */
  async pause(number: CaseNumber): Promise<'paused' | 'already' | 'closed' | 'not-found'> {
    return this.domain.sla.pause(number);
  }

  /**
   * The customer answered: the clocks resume and the chain goes on from now with the moved
   * instants (they only move later; the first contact's never moves).
   */
  async resume(number: CaseNumber): Promise<boolean> {
    const resumed = await this.domain.sla.resume(number);
    if (resumed) await this.schedule(resumed, this.clock.now());
    return resumed !== null;
  }

  /**
   * The priority changed (R003-8): the instants are recomputed and the chain starts over from
   * the first, so that an instant the new priority put in the past fires at the next tick (one
   * already acted on is marked once and does nothing again).
   */
  async reprioritised(number: CaseNumber): Promise<void> {
    const found = await this.domain.sla.reprioritised(number);
    if (found) await this.schedule(found);
  }

  /**
   * A case timer fired: 'done' when it warned, flagged, escalated or marked a breach. An SLA
   * timer then acts on every later instant of the case already past, and schedules the first
   * one still to come (issue 17): a case holds one SLA timer at a time, whose id is its
   * instant's, so chains started twice (a retried opening, a resume) meet on the same timer.
   * A stale timer (its instant moved: a pause, a new priority) does nothing but go on from
   * where it was, so a chain the move did not restart (its process died) is not lost.
   */
  async fire(timer: CaseTimer): Promise<'done' | 'nothing'> {
    await this.domain.announcements.current();
    const found = await this.domain.cases.find(timer.caseNumber);
    if (!found) return 'nothing';
    const goal =
      timer.kind === 'caseFirstContact'
        ? 'firstContact'
        : timer.kind === 'caseResponse'
          ? 'response'
          : timer.goal;
    const phase = timer.phase ?? 'due';
    if (!goal) return 'nothing';
    if (timer.kind === 'caseSla' && timer.opening) await this.onOpeningDue?.(found);
    // Timers of older versions (`case:<n>:firstContact`, `:response`) act alone, no chain.
    if (timer.kind !== 'caseSla') return (await this.#act(found, goal, phase)).result;
    const sla = this.domain.sla;
    let at: SlaInstant = { goal, phase, at: timer.dueAt };
    let current = sla.instantOf(found, goal, phase).getTime() === timer.dueAt.getTime();
    let result: 'done' | 'nothing' = 'nothing';
    for (;;) {
      if (current) {
        const acted = await this.#act(found, at.goal, at.phase);
        if (acted.result === 'done') result = 'done';
        // Escalated: the new priority's instants were scheduled from the first (reprioritised).
        if (acted.restarted) return result;
      }
      if (found.status === 'closed') return result;
      const next = sla.nextInstant(found, at);
      if (!next) return result;
      if (next.at.getTime() > this.clock.now().getTime()) {
        await this.timers.schedule(timerOf(found.number, next));
        return result;
      }
      at = next;
      current = true;
    }
  }

  /** Acts on one instant of the case as read: warns, flags, escalates or marks a breach. */
  async #act(
    found: Case,
    goal: SlaGoal,
    phase: SlaInstant['phase'],
  ): Promise<{ result: 'done' | 'nothing'; restarted?: boolean }> {
    const nothing = { result: 'nothing' as const };
    const sla = this.domain.sla;
    // The response and solution clocks do not run while the case waits on the customer.
    if (goal !== 'firstContact' && sla.isPaused(found)) return nothing;
    const instant = sla.instantOf(found, goal, phase);
    if (instant.getTime() > this.clock.now().getTime()) return nothing;
    if ((await sla.targetState(found, goal)) === 'met') return nothing;
    const due = sla.instantOf(found, goal, 'due');
    if (phase === 'warning')
      return { result: this.#told(found, await sla.mark(found, { kind: 'warning', goal, due })) };
    if (goal === 'firstContact') {
      if ((await this.domain.caseService.flagFirstContactOverdue(found.number)) !== 'flagged')
        return nothing;
      return {
        result: this.#told(found, await sla.mark(found, { kind: 'breach', goal, due }, false)),
      };
    }
    if (goal === 'response') {
      // R003-8: level 1 missed the response time; level 2 takes it with a raised priority.
      if ((await this.domain.caseService.escalateIfUnsolved(found.number)) !== 'escalated')
        return nothing;
      await this.reprioritised(found.number);
      const told = this.#told(found, await sla.mark(found, { kind: 'breach', goal, due }, false));
      return { result: told, restarted: true };
    }
    return { result: this.#told(found, await sla.mark(found, { kind: 'breach', goal, due })) };
  }

  #told(found: Case, alert: SlaAlert | null): 'done' | 'nothing' {
    if (!alert) return 'nothing';
    this.#alerts.emit('alert', {
      ...alert,
      caseNumber: found.number,
      level: found.level,
      priority: found.priority,
      conversationId: found.conversationId,
    } satisfies SlaAlertNotice);
    return 'done';
  }
}

/** The timer of one instant of a case: its id names the goal, phase and instant. */
function timerOf(number: CaseNumber, instant: SlaInstant): CaseTimer {
  return {
    _id: `case:${number}:${instant.goal}:${instant.phase}:${instant.at.getTime()}`,
    kind: 'caseSla',
    caseNumber: number,
    dueAt: instant.at,
    goal: instant.goal,
    phase: instant.phase,
  };
}
