import type { CaseNumber } from '../domain/cases/case.ts';
import type { Clock } from '../domain/clock.ts';
import type { Domain } from '../domain/domain.ts';
import type { Folio } from '../domain/folios/folio.ts';
import { RescheduleCostChanged } from '../domain/folios/folio-service.ts';
import type { FlowServices, VisitView } from '../flows/contract.ts';

type VisitServices = Pick<
  FlowServices,
  'listVisits' | 'quoteVisitMove' | 'moveVisit' | 'confirmVisit'
>;

/**
 * A folio the customer may still act on: pending and not yet over (one whose time has passed
 * waits for the technician's report), or not done on their side (R000-8/9/10).
 */
function actionable(folio: Folio, now: Date): folio is Folio & { outcome: VisitView['outcome'] } {
  if (folio.outcome === 'pending') return folio.slot.end > now;
  return folio.outcome !== 'done';
}

/**
 * Visits from the chat on the real domain (issue 13): the account's visits listed, a move's
 * terms quoted (R000-5), the move recorded through `FolioService.reschedule` under the turn's
 * effect key, and a confirmation noted on the case.
 */
export function visitServices(
  domain: Domain,
  clock: Clock,
  /** Issue 16: a moved visit is confirmed anew by e-mail and its reminder set. */
  onVisitMoved: (folio: Folio) => Promise<unknown> = async () => undefined,
): VisitServices {
  /** The folio, if its case is this account's. */
  const folioOf = async (accountNumber: string, folioNumber: string) => {
    const folio = await domain.folios.find(folioNumber);
    if (!folio) return null;
    const owner = await domain.cases.find(folio.caseNumber);
    return owner?.accountNumber === accountNumber ? folio : null;
  };

  return {
    async listVisits({ accountNumber, caseNumber }) {
      const cases = (await domain.cases.openCasesOf(accountNumber)).filter(
        (c) => caseNumber === null || c.number === caseNumber,
      );
      const subjects = new Map<CaseNumber, string>(cases.map((c) => [c.number, c.subject]));
      const folios = await domain.folios.latestOfCases(cases.map((c) => c.number));
      const now = clock.now();
      return folios
        .filter((f) => actionable(f, now))
        .map((folio) => ({
          folioNumber: folio.number,
          caseNumber: folio.caseNumber,
          subject: subjects.get(folio.caseNumber) ?? '',
          start: folio.slot.start.toISOString(),
          end: folio.slot.end.toISOString(),
          attendant: folio.attendant,
          outcome: folio.outcome,
          freeReschedulesLeft: folio.freeReschedulesLeft,
        }));
    },

    async quoteVisitMove({ folioNumber, country, timeZone, at }) {
      const { cost, because } = await domain.folioService.terms(
        folioNumber,
        { country, timeZone },
        new Date(at),
      );
      return { cost, because };
    },

    async moveVisit({ accountNumber, folioNumber, slot, acceptedCost, country, timeZone }, call) {
      const folio = await folioOf(accountNumber, folioNumber);
      if (!folio || folio.outcome === 'done') return { outcome: 'not-movable' };
      const to = { start: new Date(slot.start), end: new Date(slot.end) };
      try {
        const moved = await domain.folioService.reschedule(
          folioNumber,
          to,
          'customer-request',
          { country, timeZone },
          { requestKey: call?.effectKey ?? null, acceptCost: acceptedCost },
        );
        const done = moved.reschedules.at(-1);
        await domain.cases.appendEvent({
          caseNumber: folio.caseNumber,
          at: clock.now(),
          kind: 'visit',
          by: 'customer',
          text: `${folioNumber} rescheduled (R000-5: ${done?.cost ?? acceptedCost})`,
          data: { start: slot.start, end: slot.end, rescheduled: true, cost: done?.cost },
        });
        await onVisitMoved(moved);
        return { outcome: 'moved', cost: done?.cost ?? acceptedCost };
      } catch (error) {
        if (error instanceof RescheduleCostChanged) {
          const { cost, because } = error.terms;
          return { outcome: 'cost-changed', terms: { cost, because } };
        }
        throw error;
      }
    },

    async confirmVisit({ folioNumber, caseNumber, at }) {
      await domain.cases.appendEvent({
        caseNumber,
        at: new Date(at),
        kind: 'note',
        by: 'customer',
        text: `visit ${folioNumber} confirmed by the customer`,
        data: { visitConfirmed: folioNumber },
      });
    },
  };
}
