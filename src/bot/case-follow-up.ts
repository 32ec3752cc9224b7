/**
 * Issue 16: what follows a case after the chat, on the engine's durable timers (decision 2) —
 * the reminder before a visit (by chat and e-mail), and the closing of a case whose customer
 * never answered "is the case finished?" (R000-12; told by chat and e-mail). Each timer's id is
 * its event's, so it is stored once and fires once, whichever process runs it; what it does is
 * checked against the case and the conversation when it fires, not when it was set (a visit
 * moved, a case answered or closed meanwhile do nothing).
 */
import type { Case, CaseNumber } from '../domain/cases/case.ts';
import type { Clock } from '../domain/clock.ts';
import type { Domain } from '../domain/domain.ts';
import type { Folio } from '../domain/folios/folio.ts';
import {
  calendarFor,
  visitReminderAt,
  VISIT_REMINDER_BUSINESS_DAYS,
} from '../domain/policy/index.ts';
import type { Reply } from '../flows/contract.ts';
import type { ConversationEngine } from './engine/engine.ts';
import type { CaseTimer, TimerStore } from './engine/store/index.ts';
import type { CaseNotices } from './mail/case-notices.ts';

/** How long after-chat follow-ups wait (configurable: `ATIENDE_VISIT_REMINDER_DAYS`, …). */
export interface FollowUpSettings {
  /** Business days before a visit its reminder goes out (default 1: the business day before). */
  visitReminderBusinessDays: number;
  /** Business minutes a case waits for the customer's "finished" before closing by itself. */
  confirmationWaitBusinessMinutes: number;
}

/** Two business days (office hours are 8 a day by default). */
export const DEFAULT_FOLLOW_UP: FollowUpSettings = {
  visitReminderBusinessDays: VISIT_REMINDER_BUSINESS_DAYS,
  confirmationWaitBusinessMinutes: 16 * 60,
};

/** Where the flow waits for "is the case finished?" (troubleshooting's `confirmingFinished`). */
const AWAITING_STATE = '"confirmingFinished"';

/** The follow-ups of cases after the chat (issue 16). */
export class CaseFollowUp {
  constructor(
    private readonly domain: Domain,
    private readonly timers: TimerStore,
    private readonly notices: CaseNotices,
    private readonly engine: () => ConversationEngine | null,
    private readonly clock: Clock,
    private readonly settings: FollowUpSettings = DEFAULT_FOLLOW_UP,
  ) {}

  /**
   * A visit booked or moved: its confirmation by e-mail (R000-3, R000-5, R000-11, R000-13) and
   * its reminder's timer, keyed by folio and start (a moved visit is reminded at its new time).
   */
  async visitBooked(folio: Folio): Promise<void> {
    // The mail and the reminder's timer at once: the customer's turn waits for both.
    await Promise.all([this.notices.visitBooked(folio), this.#remindBefore(folio)]);
  }

  async #remindBefore(folio: Folio): Promise<void> {
    const found = await this.domain.cases.placeOf(folio.caseNumber);
    if (!found) return;
    const calendar = calendarFor(this.domain.policy, found.country, found.timeZone);
    const at = visitReminderAt(calendar, folio.slot.start, this.settings.visitReminderBusinessDays);
    // Booked after its reminder's time: the confirmation just sent says it all.
    if (!at || at.getTime() <= this.clock.now().getTime()) return;
    await this.timers.schedule({
      _id: `visit:${folio.number}:${folio.slot.start.toISOString()}:reminder`,
      kind: 'visitReminder',
      caseNumber: folio.caseNumber,
      folioNumber: folio.number,
      visitStart: folio.slot.start,
      dueAt: at,
    });
  }

  /** R000-12: the bot asked whether the case is finished; no answer closes it in time. */
  async awaitingConfirmation(opened: Case, conversationId: string): Promise<void> {
    await this.#awaitFrom(opened, conversationId, this.clock.now());
  }

  async #awaitFrom(about: Case, conversationId: string, since: Date): Promise<void> {
    const calendar = calendarFor(this.domain.policy, about.country, about.timeZone);
    await this.timers.schedule({
      _id: `case:${about.number}:confirmation:${since.toISOString()}`,
      kind: 'caseConfirmation',
      caseNumber: about.number,
      conversationId,
      since,
      dueAt: calendar.addBusinessMinutes(since, this.settings.confirmationWaitBusinessMinutes),
    });
  }

  /** A follow-up timer is due: 'done' when it acted, 'nothing' when it was no longer needed. */
  async fire(timer: CaseTimer): Promise<'done' | 'nothing'> {
    if (timer.kind === 'visitReminder') return this.#remindVisit(timer);
    if (timer.kind === 'caseConfirmation') return this.#closeUnanswered(timer);
    return 'nothing';
  }

  async #remindVisit(timer: CaseTimer): Promise<'done' | 'nothing'> {
    const folio = timer.folioNumber ? await this.domain.folios.find(timer.folioNumber) : null;
    if (!folio || folio.outcome !== 'pending') return 'nothing';
    if (folio.slot.start.getTime() !== timer.visitStart?.getTime()) return 'nothing'; // moved
    const found = await this.domain.cases.find(folio.caseNumber);
    if (!found || found.status === 'closed') return 'nothing';
    await this.notices.visitReminder(folio);
    await this.#tell(found, `visit-reminder:${folio.number}:${folio.slot.start.toISOString()}`, {
      key: 'visit.reminder',
      params: {
        folioNumber: folio.number,
        caseNumber: folio.caseNumber,
        start: folio.slot.start.toISOString(),
        end: folio.slot.end.toISOString(),
        attendant: folio.attendant,
        minutes: this.domain.policy.visits.toleranceMinutes,
        timeZone: found.timeZone,
      },
    });
    return 'done';
  }

  async #closeUnanswered(timer: CaseTimer): Promise<'done' | 'nothing'> {
    const found = await this.domain.cases.find(timer.caseNumber);
    const since = timer.since ?? timer.dueAt;
    if (!found || found.status === 'closed' || !timer.conversationId) return 'nothing';
    const state = await this.engine()?.state(timer.conversationId);
    if (!state) return 'nothing';
    // A session started since (the customer came back about something else, or never did):
    // the question went unanswered. Else the customer's words after it tell.
    if (state.sessionStartedAt.getTime() <= since.getTime()) {
      const said = state.transcript.filter((l) => l.from === 'customer' && l.at > since).at(-1);
      if (said) {
        // Asked again (an answer not understood): the wait starts over from then.
        if (awaits(state.snapshot, found.number))
          await this.#awaitFrom(found, timer.conversationId, said.at);
        return 'nothing';
      }
    }
    const closed = await this.domain.caseService.close(found.number, {
      verifiedWith: 'no answer from the customer (issue 16)',
      solvedAtFirstLevel: true,
    });
    if (closed !== 'closed') return 'nothing';
    const at = this.clock.now();
    await this.domain.cases.appendEvent({
      caseNumber: found.number,
      at,
      kind: 'note',
      by: 'system',
      text: `closed without an answer: the customer was asked to confirm on ${since.toISOString()} (R000-12)`,
      data: { closedWithoutAnswer: true, since: since.toISOString() },
    });
    await this.notices.caseClosedWithoutAnswer(found.number, since);
    await this.#tell(found, `case-closed-unanswered:${found.number}`, {
      key: 'technical.closedWithoutAnswer',
      params: { caseNumber: found.number },
    });
    return 'done';
  }

  /** Tells the case's conversation (its chat channel), once per notice; not at all without one. */
  async #tell(about: Case, noticeId: string, reply: Reply): Promise<void> {
    const engine = this.engine();
    if (about.conversationId && engine) await engine.notify(about.conversationId, noticeId, reply);
  }
}

/** Whether a conversation's flow still waits for "finished?" about this case. */
function awaits(snapshot: string | null, caseNumber: CaseNumber): boolean {
  if (!snapshot) return false;
  try {
    const parsed = JSON.parse(snapshot) as { value?: unknown; context?: { caseNumber?: unknown } };
    return (
      JSON.stringify(parsed.value ?? null).includes(AWAITING_STATE) &&
      parsed.context?.caseNumber === caseNumber
    );
  } catch {
    return false;
  }
}
