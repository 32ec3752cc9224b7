/**
 * The SLA watch (R002-5, R003-6, R003-8) on durable timers (decision 2): for each goal of a case
 * (first contact, response, solution) a warning some business minutes before it is due and the
 * due instant itself. A recomputed due instant (a raised priority, a pause that ended) is a new
 * timer; a timer whose instant is no longer the case's is stale and does nothing. Warnings and
 * breaches are marked once by unique inserts, whichever process fires them.
 */
import { EventEmitter } from 'node:events';
import type { Case, CaseNumber, SlaAlert } from '../domain/cases/case.ts';
import type { Clock } from '../domain/clock.ts';
import type { Domain } from '../domain/domain.ts';
import type { CaseTimer, TimerStore } from './engine/store/index.ts';

/** An SLA warning or breach just marked, for the consoles (the case's level and conversation). */
export interface SlaAlertNotice extends SlaAlert {
  caseNumber: CaseNumber;
  level: Case['level'];
  priority: Case['priority'];
  conversationId: string | null;
}

/** Watches the SLA of open cases through the scheduler's timers. */
export class SlaWatch {
  readonly #alerts = new EventEmitter();

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
   * Schedules the warning and due instants of a case as it stands (idempotent: a timer's id
   * names its goal, phase and instant). Instants already past fire at the next tick.
   */
  async schedule(found: Case): Promise<void> {
    const sla = this.domain.sla;
    await Promise.all(
      sla.instantsOf(found).map((instant) =>
        this.timers.schedule({
          _id: `case:${found.number}:${instant.goal}:${instant.phase}:${instant.at.getTime()}`,
          kind: 'caseSla',
          caseNumber: found.number,
          dueAt: instant.at,
          goal: instant.goal,
          phase: instant.phase,
        }),
      ),
    );
  }

  /** The case waits on the customer: its response and solution clocks stop. */
  async pause(number: CaseNumber): Promise<'paused' | 'already' | 'closed' | 'not-found'> {
    return this.domain.sla.pause(number);
  }

  /** The customer answered: the clocks resume and the new instants are scheduled. */
  async resume(number: CaseNumber): Promise<boolean> {
    const resumed = await this.domain.sla.resume(number);
    if (resumed) await this.schedule(resumed);
    return resumed !== null;
  }

  /** The priority changed (R003-8): the instants are recomputed and scheduled. */
  async reprioritised(number: CaseNumber): Promise<void> {
    const found = await this.domain.sla.reprioritised(number);
    if (found) await this.schedule(found);
  }

  /** A case timer fired: 'done' when it warned, flagged, escalated or marked a breach. */
  async fire(timer: CaseTimer): Promise<'done' | 'nothing'> {
    await this.domain.announcements.refresh();
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
    const sla = this.domain.sla;
    // The response and solution clocks do not run while the case waits on the customer.
    if (goal !== 'firstContact' && sla.isPaused(found)) return 'nothing';
    const instant = sla.instantOf(found, goal, phase);
    // A stale timer: the instant moved (a pause, a new priority); its own timer acts then.
    if (timer.kind === 'caseSla' && instant.getTime() !== timer.dueAt.getTime()) return 'nothing';
    if (instant.getTime() > this.clock.now().getTime()) return 'nothing';
    if ((await sla.targetState(found, goal)) === 'met') return 'nothing';
    const due = sla.instantOf(found, goal, 'due');
    if (phase === 'warning')
      return this.#told(found, await sla.mark(found, { kind: 'warning', goal, due }));
    if (goal === 'firstContact') {
      if ((await this.domain.caseService.flagFirstContactOverdue(found.number)) !== 'flagged')
        return 'nothing';
      return this.#told(found, await sla.mark(found, { kind: 'breach', goal, due }, false));
    }
    if (goal === 'response') {
      // R003-8: level 1 missed the response time; level 2 takes it with a raised priority.
      if ((await this.domain.caseService.escalateIfUnsolved(found.number)) !== 'escalated')
        return 'nothing';
      await this.reprioritised(found.number);
      return this.#told(found, await sla.mark(found, { kind: 'breach', goal, due }, false));
    }
    return this.#told(found, await sla.mark(found, { kind: 'breach', goal, due }));
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
