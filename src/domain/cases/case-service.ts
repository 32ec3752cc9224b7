import { DateTime } from 'luxon';
import type { Clock } from '../clock.ts';
import { calendarFor, raisePriority, slaDueTimes, type PolicyConfig } from '../policy/index.ts';
import type { CaseTally } from '../reports/case-tally.ts';
import type { CaseNumberAllocator } from './case-number.ts';
import type { CaseRepository } from './case-repository.ts';
import type { CalendarOf } from './sla-service.ts';
import { matterKey, type Case, type CaseEvent, type CaseNumber, type CaseRequest } from './case.ts';

/**
 * How long a request that finds its matter claimed waits for the claimer to insert the case
 * before it takes the claim for an orphan left by a process that died (real time).
 */
const ORPHAN_CLAIM_WAIT_MS = 10_000;

/** The outcome of asking to open a case: a new case, or the open case of the same matter. */
export type OpenCaseResult =
  | { outcome: 'opened'; case: Case }
  | { outcome: 'joined'; caseNumber: CaseNumber; case: Case | null };

/** How a case is opened (issue 17): see `CaseService.open`. */
export interface OpenOptions {
  countLater?: boolean;
  alongside?: (value: Case) => Promise<unknown>;
}

export type CloseCaseResult = 'closed' | 'already-closed' | 'not-found';

export type EscalationResult = 'escalated' | 'already-escalated' | 'closed' | 'not-found';

/**
 * Opens and closes cases: one case per matter (R001-5), a unique number and the opening time
 * (R002-4), SLA due times from the business calendar (R002-5, R003-6), closure with attention
 * and resolution times (R002-7).
 */
export class CaseService {
  constructor(
    private readonly repository: CaseRepository,
    private readonly numbers: CaseNumberAllocator,
    private readonly policy: PolicyConfig,
    private readonly clock: Clock,
    /** The calendar with announced extensions and suspensions (R003-3, R003-4). */
    private readonly calendarOf: CalendarOf = (country, timeZone) =>
      calendarFor(policy, country, timeZone),
    /** The supervisor reports' per-day counts, told of each change here (issue 16). */
    private readonly tally: CaseTally | null = null,
  ) {}

  /**
   * R001-5: the open case of a request's matter, or null — by the matter's claim (`_id`), so
   * that finding it costs two reads by key however many cases there are.
   */
  async openCaseOfMatter(
    request: Pick<
      CaseRequest,
      'accountNumber' | 'contact' | 'type' | 'category' | 'equipmentSerial'
    >,
  ): Promise<Case | null> {
    const number = await this.repository.findOpenMatter(matterKey(request));
    const found = number === null ? null : await this.repository.find(number);
    return found && found.status !== 'closed' ? found : null;
  }

  /**
   * Opens the case of a request's matter, or joins the open one (R001-5). Issue 17:
   * `countLater`, the caller counts the new case in the reports itself (`countOpened`), off its
   * turn, and keeps a durable record that it must (`alongside` writes it); `alongside`, writes
   * that go with the new case's insert, at once (harmless without the case: its number is
   * nobody else's), and again for a request retried after a crash that finds its own case.
   */
  async open(request: CaseRequest, options: OpenOptions = {}): Promise<OpenCaseResult> {
    const openedAt = this.clock.now();
    const key = matterKey(request);
    const year = DateTime.fromJSDate(openedAt, { zone: request.timeZone }).year;
    const number = await this.numbers.allocate(year);

    if (!(await this.repository.claimMatter(key, number, openedAt))) {
      this.numbers.release(number);
      const existing = await this.repository.findOpenMatter(key);
      if (existing === null) {
        // Closed between our claim and our read: the matter is free again, try once more.
        return this.open(request, options);
      }
      const found = await this.#awaitCase(existing);
      // The same request again (retried after a crash): the case it opened is its own.
      if (found !== null && request.requestKey && found.requestKey === request.requestKey) {
        await options.alongside?.(found);
        return { outcome: 'opened', case: found };
      }
      if (found === null) {
        // The claimer died between claiming the matter and inserting its case: the claim is an
        // orphan. Free the matter and open the case ourselves (R001-5 still holds: the unique
        // claim decides who opens it).
        await this.repository.releaseMatter(key);
        return this.open(request, options);
      }
      await this.repository.appendEvent({
        caseNumber: existing,
        at: openedAt,
        kind: 'joined',
        by: request.conversationId ? 'bot' : 'system',
        text: request.description,
        data: {
          channel: request.channel,
          conversationId: request.conversationId,
          ...(request.identityVerified === false ? { identityVerified: false } : {}),
        },
      });
      return { outcome: 'joined', caseNumber: existing, case: found };
    }

    const calendar = this.calendarOf(request.country, request.timeZone);
    const { transcript, ...intake } = request;
    const value: Case = {
      ...intake,
      number,
      openedAt,
      status: 'open',
      level: 'L1',
      sla: slaDueTimes(openedAt, request.priority, calendar, this.policy),
      matterKey: key,
      closedAt: null,
    };
    const events: CaseEvent[] = [
      {
        caseNumber: number,
        at: openedAt,
        kind: 'opened',
        by: request.conversationId ? 'bot' : 'system',
        text: request.subject,
      },
    ];
    if (request.identityVerified === false) {
      // Issue 12: the requester did not prove the account; an agent confirms before acting.
      events.push({
        caseNumber: number,
        at: openedAt,
        kind: 'note',
        by: 'system',
        text: 'identity not verified: confirm the requester before acting',
        data: { identityVerified: false },
      });
    }
    if (transcript.length > 0) {
      events.push({
        caseNumber: number,
        at: openedAt,
        kind: 'transcript',
        by: 'bot',
        text: transcript
          .map((line) => `[${line.at.toISOString()}] ${line.from}: ${line.text}`)
          .join('\n'),
      });
    }
    // The case and its timeline's lines at once (issue 17: one round trip, not two): lines
    // whose case was never stored (its process died) belong to a number nobody reads.
    await Promise.all([
      this.repository.insert(value),
      ...events.map((event) => this.repository.appendEvent(event)),
      options.alongside?.(value),
    ]);
    // Counted once the case is stored: a count without its case would count a retry's twice.
    if (!options.countLater) await this.countOpened(value);
    return { outcome: 'opened', case: value };
  }

  /** Counts a new case in the supervisor reports (issue 16), once per case whoever asks. */
  async countOpened(value: Case): Promise<void> {
    await this.tally?.caseOpened(value);
  }

  /**
   * The case a matter points at, waiting briefly for a claimer that is still inserting it;
   * null when it never appears (its claimer died).
   */
  async #awaitCase(number: CaseNumber): Promise<Case | null> {
    let waitMs = 10;
    for (
      let waited = 0;
      waited <= ORPHAN_CLAIM_WAIT_MS;
      waited += waitMs, waitMs = Math.min(waitMs * 2, 500)
    ) {
      const found = await this.repository.find(number);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    return null;
  }

  /**
   * Closes a case once (R002-7): the closure states the attention time (opening to first
   * contact) and the resolution time (opening to closure), in calendar minutes.
   */
  async close(
    number: CaseNumber,
    details: { verifiedWith: string; solvedAtFirstLevel: boolean; firstContactAt?: Date },
  ): Promise<CloseCaseResult> {
    const found = await this.repository.find(number);
    if (!found) return 'not-found';
    const closedAt = this.clock.now();
    const minutes = (from: Date, to: Date) =>
      Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
    const closure = {
      caseNumber: number,
      closedAt,
      attentionMinutes: minutes(found.openedAt, details.firstContactAt ?? found.openedAt),
      resolutionMinutes: minutes(found.openedAt, closedAt),
      solvedAtFirstLevel: details.solvedAtFirstLevel,
      verifiedWith: details.verifiedWith,
    };
    if (!(await this.repository.insertClosure(closure))) return 'already-closed';
    await this.repository.releaseMatter(found.matterKey);
    await this.repository.setStatus(number, 'closed', closedAt, {
      solvedAtFirstLevel: details.solvedAtFirstLevel,
    });
    await this.repository.appendEvent({
      caseNumber: number,
      at: closedAt,
      kind: 'closed',
      by: 'system',
      text: details.verifiedWith,
    });
    await this.tally?.caseClosed(found, closure);
    return 'closed';
  }

  /**
   * R003-8: a case level 1 did not solve within its response time is reassigned to level 2
   * (specialists) with its priority raised one step. Called when the case's response timer
   * fires; happens once, whichever process fires it.
   */
  async escalateIfUnsolved(number: CaseNumber): Promise<EscalationResult> {
    const found = await this.repository.find(number);
    if (!found) return 'not-found';
    if (found.status === 'closed' || (await this.repository.findClosure(number))) return 'closed';
    const at = this.clock.now();
    if (!(await this.repository.claimEscalation(number, 'L2', at))) return 'already-escalated';
    const priority = raisePriority(found.priority);
    await this.repository.setLevel(number, 'L2', priority);
    await this.repository.appendEvent({
      caseNumber: number,
      at,
      kind: 'escalated',
      by: 'system',
      text: `L1 -> L2, ${found.priority} -> ${priority} (R003-8)`,
      data: { level: 'L2', from: found.priority, priority },
    });
    await this.tally?.escalated(found, at);
    await this.tally?.slaOutcome(found, 'response', false, at);
    return 'escalated';
  }

  /** Records that a person of the support team contacted the customer about the case (R002-5). */
  async recordFirstContact(number: CaseNumber, by: string): Promise<void> {
    const at = this.clock.now();
    await this.repository.appendEvent({
      caseNumber: number,
      at,
      kind: 'first-contact',
      by: 'agent',
      text: by,
    });
    const found = this.tally ? await this.repository.find(number) : null;
    if (found) await this.tally?.firstContact(found, at);
  }

  /**
   * R002-5: technical staff contact the customer within one hour, or as the priority sets.
   * Called when the case's first-contact timer fires: a case still without a first contact is
   * flagged overdue in its timeline, once, for supervisors and the SLA reports.
   */
  async flagFirstContactOverdue(
    number: CaseNumber,
  ): Promise<'flagged' | 'contacted' | 'closed' | 'already-flagged' | 'not-found'> {
    const found = await this.repository.find(number);
    if (!found) return 'not-found';
    if (found.status === 'closed' || (await this.repository.findClosure(number))) return 'closed';
    const timeline = await this.repository.timeline(number);
    if (timeline.some((e) => e.kind === 'first-contact')) return 'contacted';
    const at = this.clock.now();
    if (!(await this.repository.claimEscalation(number, 'first-contact-overdue', at)))
      return 'already-flagged';
    await this.repository.appendEvent({
      caseNumber: number,
      at,
      kind: 'note',
      by: 'system',
      text: `first contact overdue since ${found.sla.firstContactDue.toISOString()} (R002-5)`,
      data: { slaBreach: 'first-contact', due: found.sla.firstContactDue.toISOString() },
    });
    await this.tally?.slaOutcome(found, 'first-contact', false, at);
    return 'flagged';
  }
}
