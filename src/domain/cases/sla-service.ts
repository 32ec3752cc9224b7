import type { Clock } from '../clock.ts';
import {
  NO_PAUSE,
  resumedPause,
  slaBudgets,
  slaDueAfterPauses,
  slaWarningAt,
  type BusinessCalendar,
  type PolicyConfig,
  type Priority,
  type SlaPause,
  type SlaGoal,
} from '../policy/index.ts';
import type { CaseRepository } from './case-repository.ts';
import type { Case, CaseNumber, CaseSla, SlaAlert } from './case.ts';

/** The business calendar a case's SLA is measured on (its country and zone). */
export type CalendarOf = (country: string, timeZone?: string) => BusinessCalendar;

/** One instant the SLA watch acts at: a warning before a goal, or the goal's due instant. */
export interface SlaInstant {
  goal: SlaGoal;
  phase: 'warning' | 'due';
  at: Date;
}

const DUE_FIELD: Record<SlaGoal, keyof CaseSla> = {
  firstContact: 'firstContactDue',
  response: 'responseDue',
  solution: 'solutionDue',
};

const GOAL_ORDER: readonly SlaGoal[] = ['firstContact', 'response', 'solution'];

/** The order the watch acts in: by time; at one time, by goal, a warning before its due. */
function byWatchOrder(a: SlaInstant, b: SlaInstant): number {
  return (
    a.at.getTime() - b.at.getTime() ||
    GOAL_ORDER.indexOf(a.goal) - GOAL_ORDER.indexOf(b.goal) ||
    (a.phase === b.phase ? 0 : a.phase === 'warning' ? -1 : 1)
  );
}

/** Whether the goal still counts for the case (R002-5, R003-6, R003-8). */
export type TargetState = 'open' | 'met';

/**
 * The SLA clock of a case (R002-5, R003-6, R003-8): due instants in business time recomputed
 * when the priority changes, paused while the case waits on the customer and resumed with the
 * remaining business time when they answer, and warnings and breaches marked once each by a
 * unique insert (decision 0).
 */
export class SlaService {
  constructor(
    private readonly repository: CaseRepository,
    private readonly policy: PolicyConfig,
    private readonly clock: Clock,
    private readonly calendarOf: CalendarOf,
    /** Business minutes before a due instant at which the people in charge are warned. */
    readonly leadMinutes = 30,
  ) {}

  /** The due instants of a case as its priority and pauses stand now. */
  dueOf(found: Case): CaseSla {
    return slaDueAfterPauses(
      found.openedAt,
      found.priority,
      found.slaPause ?? NO_PAUSE,
      this.#calendar(found),
      this.policy,
    );
  }

  /** Every instant the watch must act at for the case: a warning and the due of each goal. */
  instantsOf(found: Case): SlaInstant[] {
    const calendar = this.#calendar(found);
    const budgets = slaBudgets(found.priority, found.slaPause ?? NO_PAUSE, this.policy);
    const due = this.dueOf(found);
    return (Object.keys(DUE_FIELD) as SlaGoal[]).flatMap((goal) => [
      {
        goal,
        phase: 'warning' as const,
        at: slaWarningAt(found.openedAt, budgets[goal], this.leadMinutes, calendar),
      },
      { goal, phase: 'due' as const, at: due[DUE_FIELD[goal]] },
    ]);
  }

  /**
   * The first of the case's instants that comes after `after` in the watch's order (time, then
   * goal and phase), at or after it when it is a time, or the first of all without it: the SLA watch keeps one timer per case,
   * for its next instant, and each one it fires sets the next (issue 17).
   */
  nextInstant(found: Case, after?: SlaInstant | Date): SlaInstant | null {
    const ordered = this.instantsOf(found).sort(byWatchOrder);
    if (!after) return ordered[0] ?? null;
    if (after instanceof Date) return ordered.find((i) => i.at >= after) ?? null;
    return ordered.find((i) => byWatchOrder(after, i) < 0) ?? null;
  }

  /** The instant of a goal's warning or due as the case stands now. */
  instantOf(found: Case, goal: SlaGoal, phase: SlaInstant['phase']): Date {
    return this.instantsOf(found).find((i) => i.goal === goal && i.phase === phase)!.at;
  }

  /**
   * Whether a goal is met (R002-5: someone contacted the customer; R003-8: the response time
   * is level 1's, so a case already at level 2 has none left; R003-6: solved when closed).
   */
  async targetState(found: Case, goal: SlaGoal): Promise<TargetState> {
    if (found.status === 'closed' || (await this.repository.findClosure(found.number)))
      return 'met';
    if (goal === 'response') return found.level === 'L2' ? 'met' : 'open';
    if (goal === 'firstContact') {
      const timeline = await this.repository.timeline(found.number);
      return timeline.some((e) => e.kind === 'first-contact') ? 'met' : 'open';
    }
    return 'open';
  }

  /** Whether the response and solution clocks are stopped (the case waits on the customer). */
  isPaused(found: Case): boolean {
    return (found.slaPause ?? NO_PAUSE).since !== null;
  }

  /**
   * The case waits on the customer: the response and solution clocks stop (as Zendesk's and
   * Freshdesk's "pending"). 'already' when they were stopped.
   */
  async pause(number: CaseNumber): Promise<'paused' | 'already' | 'closed' | 'not-found'> {
    const found = await this.repository.find(number);
    if (!found) return 'not-found';
    if (found.status === 'closed') return 'closed';
    const pause = found.slaPause ?? NO_PAUSE;
    if (pause.since !== null) return 'already';
    const at = this.clock.now();
    // Conditional on the pause as read: of two processes pausing at once, one changes it.
    const changed = await this.repository.cases.updateOne(
      { _id: number, ...this.#pauseFilter(found) },
      { $set: { slaPause: { since: at, minutes: pause.minutes }, status: 'waiting-customer' } },
    );
    if (changed.modifiedCount === 0) return 'already';
    await this.repository.appendEvent({
      caseNumber: number,
      at,
      kind: 'status',
      by: 'system',
      text: 'waiting on the customer: SLA clock paused',
      data: { status: 'waiting-customer', slaPaused: true },
    });
    return 'paused';
  }

  /**
   * The customer answered: the clocks run again with the business time they had left, and the
   * due instants move by the business minutes waited. Null when the clock was not paused.
   */
  async resume(number: CaseNumber): Promise<Case | null> {
    const found = await this.repository.find(number);
    if (!found || found.status === 'closed') return null;
    const pause = found.slaPause ?? NO_PAUSE;
    if (pause.since === null) return null;
    const at = this.clock.now();
    const next: SlaPause = resumedPause(pause, at, this.#calendar(found));
    const updated: Case = { ...found, slaPause: next, status: 'in-progress' };
    const sla = this.dueOf(updated);
    const changed = await this.repository.cases.updateOne(
      { _id: number, ...this.#pauseFilter(found) },
      { $set: { slaPause: next, sla, status: 'in-progress' } },
    );
    if (changed.modifiedCount === 0) return null;
    await this.repository.appendEvent({
      caseNumber: number,
      at,
      kind: 'status',
      by: 'customer',
      text: `the customer answered: SLA clock resumed (${next.minutes - pause.minutes} business minutes paused)`,
      data: { status: 'in-progress', slaPausedMinutes: next.minutes - pause.minutes },
    });
    return { ...updated, sla };
  }

  /**
   * The priority changed (R003-8: raised on the way to level 2): the due instants are
   * recomputed from the opening under the new priority, paused time carried over.
   */
  async reprioritised(number: CaseNumber, priority?: Priority): Promise<Case | null> {
    const found = await this.repository.find(number);
    if (!found) return null;
    const updated: Case = { ...found, priority: priority ?? found.priority };
    const sla = this.dueOf(updated);
    await this.repository.cases.updateOne(
      { _id: number },
      { $set: { sla, priority: updated.priority } },
    );
    return { ...updated, sla };
  }

  /**
   * Marks a warning or a breach once per goal and due instant (a unique insert): of two
   * processes firing the same instant, one marks it. The case keeps a copy for the queue.
   */
  async mark(
    found: Case,
    alert: Omit<SlaAlert, 'at'>,
    /** false: the timeline already tells it (the escalation, the first-contact flag). */
    note = true,
  ): Promise<SlaAlert | null> {
    const at = this.clock.now();
    const key =
      alert.kind === 'breach'
        ? `breach:${alert.goal}`
        : `warning:${alert.goal}:${alert.due.getTime()}`;
    if (!(await this.repository.claimMark(found.number, key, at))) return null;
    const marked: SlaAlert = { ...alert, at };
    await this.repository.cases.updateOne({ _id: found.number }, { $push: { slaAlerts: marked } });
    if (!note) return marked;
    await this.repository.appendEvent({
      caseNumber: found.number,
      at,
      kind: 'note',
      by: 'system',
      text:
        alert.kind === 'breach'
          ? `SLA ${alert.goal} missed: due ${alert.due.toISOString()}`
          : `SLA ${alert.goal} due soon: ${alert.due.toISOString()}`,
      data:
        alert.kind === 'breach'
          ? { slaBreach: alert.goal, due: alert.due.toISOString() }
          : { slaWarning: alert.goal, due: alert.due.toISOString() },
    });
    return marked;
  }

  #calendar(found: Case): BusinessCalendar {
    return this.calendarOf(found.country, found.timeZone);
  }

  /** A filter on the pause exactly as read (FerretDB v1 matches a missing field with null). */
  #pauseFilter(found: Case): Record<string, unknown> {
    const pause = found.slaPause;
    if (!pause) return { slaPause: { $exists: false } };
    return { 'slaPause.since': pause.since, 'slaPause.minutes': pause.minutes };
  }
}
