/**
 * The agent side of a visit's outcome (issue 16): what the agent or technician records in the
 * console — done (R000-6), customer absent (R000-10), no internet (R000-8), infected equipment
 * (R000-9), unmet requirements (R000-13) — kept once per visit, written on the case timeline
 * with the agent's e-mail, counted for the reports, and told to the customer on their channel.
 */
import type { Agent } from '../domain/agents/agent.ts';
import type { CaseNumber } from '../domain/cases/case.ts';
import type { Domain } from '../domain/domain.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Folio } from '../domain/folios/folio.ts';
import type { Country } from '../domain/types.ts';
import type { VisitOutcomeInput, VisitOutcomeRecord } from '../domain/folios/visit-outcome.ts';
import { visitKey } from '../domain/folios/visit-outcome.ts';
import type { CustomerNotices, NoticeOutcome } from './customer-notices.ts';

/** A visit as the console shows it: the folio, its case's subject, and its outcome if any. */
export interface VisitSheet {
  folioNumber: string;
  caseNumber: string;
  subject: string;
  start: string;
  end: string;
  attendant: string;
  outcome: Folio['outcome'];
  freeReschedulesLeft: number;
  recorded: VisitOutcomeRecord | null;
}

/** What recording did: recorded now (and whether the customer was told), or refused as a repeat. */
export type VisitOutcomeResult =
  | { status: 'recorded'; record: VisitOutcomeRecord; customer: NoticeOutcome }
  | { status: 'already-recorded'; record: VisitOutcomeRecord };

/** The notice a customer gets for an outcome: its key in `bot.json` (`visitOutcome.*`). */
function noticeKey(record: VisitOutcomeRecord): string {
  if (record.outcome === 'unmet-requirements' && record.extraTimeAcceptedInWriting)
    return 'visitOutcome.doneExtraTime';
  return `visitOutcome.${record.outcome}`;
}

/** Whether an agent serves a case's country: any, when the agent's countries are not set. */
function serves(agent: Agent, country: string | undefined): boolean {
  return (
    agent.countries.length === 0 ||
    (country !== undefined && agent.countries.includes(country as Country))
  );
}

/** Records visit outcomes from the console. */
export class VisitOutcomeDesk {
  constructor(
    private readonly domain: Domain,
    private readonly notices: CustomerNotices,
  ) {}

  /**
   * The visit of a folio, or null when there is none — or when its case is of a country the
   * agent does not serve (an agent's `countries`, when set, bound what the agent sees and does).
   */
  async sheet(agent: Agent, folioNumber: string): Promise<VisitSheet | null> {
    const folio = await this.domain.folios.find(folioNumber);
    if (!folio) return null;
    const owner = await this.domain.cases.find(folio.caseNumber);
    if (!serves(agent, owner?.country)) return null;
    return {
      folioNumber: folio.number,
      caseNumber: folio.caseNumber,
      subject: owner?.subject ?? '',
      start: folio.slot.start.toISOString(),
      end: folio.slot.end.toISOString(),
      attendant: folio.attendant,
      outcome: folio.outcome,
      freeReschedulesLeft: folio.freeReschedulesLeft,
      recorded: await this.domain.folios.outcomes.find(visitKey(folio)),
    };
  }

  /**
   * Records the outcome once; throws `NotFoundError` for an unknown folio (or one of a country
   * the agent does not serve) and `ValidationError`
   * for an outcome the policy does not allow (the tolerance not over, times out of order …).
   */
  async record(
    agent: Agent,
    folioNumber: string,
    input: VisitOutcomeInput,
  ): Promise<VisitOutcomeResult> {
    const folio = await this.domain.folios.find(folioNumber);
    const owner = folio ? await this.domain.cases.find(folio.caseNumber) : null;
    if (!folio || !serves(agent, owner?.country))
      throw new NotFoundError(`folio ${folioNumber} not found`);
    const result = await this.domain.folioService.recordOutcome(folioNumber, input, agent.email);
    // A repeat (the agent again, or a retry after a crash between the record and what follows
    // it) finishes what follows: each part is done once, by its own key.
    const customer = await this.#followThrough(result.record);
    if (result.status === 'already-recorded') return result;
    return { status: 'recorded', record: result.record, customer };
  }

  /**
   * What follows a recorded outcome, each part once however often it runs: the timeline line
   * (named by the visit), the reports' count (claimed by its key) and the customer's notice
   * (the engine's notice turn, once per notice id, delivered from the conversation's outbox).
   */
  async #followThrough(record: VisitOutcomeRecord): Promise<NoticeOutcome> {
    const owner = await this.domain.cases.find(record.caseNumber);
    await this.domain.cases.appendEvent({
      caseNumber: record.caseNumber as CaseNumber,
      at: record.recordedAt,
      kind: 'visit',
      by: 'agent',
      once: `visit-outcome:${record.key}`,
      text: `${record.folioNumber}: ${record.outcome} (${record.rule})`,
      data: {
        agent: record.agent,
        action: 'visit-outcome',
        folioNumber: record.folioNumber,
        outcome: record.outcome,
        rule: record.rule,
        arrivedAt: record.arrivedAt.toISOString(),
        startedAt: record.startedAt?.toISOString() ?? null,
        endedAt: record.endedAt.toISOString(),
        serviceMinutes: record.serviceMinutes,
        waitingMinutes: record.waitingMinutes,
        freeRescheduleEarned: record.freeRescheduleEarned,
        extraTimeAcceptedInWriting: record.extraTimeAcceptedInWriting,
        ...(record.note ? { note: record.note } : {}),
      },
    });
    if (owner)
      await this.domain.reports.visitOutcome(owner, record.key, record.outcome, record.recordedAt);
    return this.notices.tell(owner?.conversationId ?? null, `visit-outcome:${record.key}`, {
      key: noticeKey(record),
      params: {
        folioNumber: record.folioNumber,
        caseNumber: record.caseNumber,
        minutes: record.serviceMinutes,
        waitingMinutes: record.waitingMinutes,
        tolerance: this.domain.policy.visits.toleranceMinutes,
      },
    });
  }
}
