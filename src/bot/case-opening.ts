/**
 * Issue 17: what follows a case's opening, kept off the turn that opened it. The turn writes the
 * case, its timeline's lines and the SLA watch's first timer, marked as the opening's (R002-5,
 * R003-8); the mail with the case's number and opening time (R002-4) and the case's count in
 * the supervisor reports follow right after the turn, in the background. Both are keyed by the
 * case (decision 0), so doing them twice does nothing twice; and the first timer, stored with
 * the turn, makes sure of them when it fires, so a process that died before doing them loses
 * neither: the worst a crash does is delay them by a minute (`OPENING_CHECK_MS`).
 */
import type { Case } from '../domain/cases/case.ts';
import type { Domain } from '../domain/domain.ts';
import { caseMailId } from './mail/case-mails.ts';
import type { CaseNotices } from './mail/case-notices.ts';
import type { SlaWatch } from './sla-watch.ts';

/** The follow-ups of a case's opening (issue 17). */
export class CaseOpening {
  /** Follow-ups under way in the background (a clean stop waits for them). */
  readonly #underWay = new Set<Promise<unknown>>();

  constructor(
    private readonly domain: Domain,
    private readonly sla: SlaWatch,
    private readonly notices: CaseNotices,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    sla.onOpeningDue = (found) => this.followUps(found, true);
  }

  /**
   * In the turn, with the case's insert: the SLA watch's first timer, the durable record of the
   * opening's follow-ups.
   */
  stored(found: Case): Promise<void> {
    return this.sla.opened(found);
  }

  /** Once the case is stored: its follow-ups, in the background (the turn goes on). */
  opened(found: Case): void {
    const later = this.followUps(found).catch((error: unknown) => this.onError(error));
    this.#underWay.add(later);
    void later.finally(() => this.#underWay.delete(later));
  }

  /**
   * The opening's mail (R002-4) and its count in the reports, once each. `late`: made sure of
   * by the first timer, when they were most likely done long ago — a mail already sent (and
   * dropped from the outbox) is not queued again.
   */
  async followUps(found: Case, late = false): Promise<void> {
    await Promise.all([this.#mail(found, late), this.domain.caseService.countOpened(found)]);
  }

  async #mail(found: Case, late: boolean): Promise<void> {
    if (late) {
      const id = caseMailId(found.number, {
        kind: 'case-opened',
        subject: found.subject,
        openedAt: found.openedAt,
        firstContactDue: found.sla.firstContactDue,
      });
      if (await this.domain.mailOutbox.outcome(id)) return;
    }
    await this.notices.caseOpened(found);
  }

  /** Resolves once the follow-ups under way are done. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#underWay]);
  }
}
