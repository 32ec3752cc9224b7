import { ValidationError } from '../errors.ts';
import { serviceMinutes, type PolicyConfig } from '../policy/index.ts';
import type { Folio, FolioOutcome } from './folio.ts';

const MS_PER_MINUTE = 60_000;

/** How a visit went, as the agent or technician records it (issue 16). */
export const VISIT_OUTCOMES = [
  'done',
  'customer-absent',
  'no-internet',
  'infected-equipment',
  'unmet-requirements',
] as const;
export type VisitOutcomeKind = (typeof VISIT_OUTCOMES)[number];

/** Whether a value is one of the outcomes. */
export function isVisitOutcome(value: unknown): value is VisitOutcomeKind {
  return (VISIT_OUTCOMES as readonly unknown[]).includes(value);
}

/** What is recorded: the outcome and the visit's times (R000-6). */
export interface VisitOutcomeInput {
  outcome: VisitOutcomeKind;
  /** When the technician arrived (or connected, for a remote service). */
  arrivedAt: Date;
  /** When the work started (the customer ready); null when it never did. */
  startedAt: Date | null;
  /** When the visit ended: the work finished, or the technician gave up or stopped. */
  endedAt: Date;
  /** R000-13: the customer accepted in writing the extra time unmet requirements take. */
  extraTimeAcceptedInWriting?: boolean;
  /** The agent's note (what was found, what the customer said). */
  note?: string;
}

/** The recorded outcome of one visit (one folio at one agreed time), kept once by its key. */
export interface VisitOutcomeRecord extends Required<Omit<VisitOutcomeInput, 'note'>> {
  /** `<folio>@<agreed start>`: one outcome per visit; a rescheduled visit is another visit. */
  key: string;
  folioNumber: string;
  caseNumber: string;
  note: string;
  /** The rule the outcome applies. */
  rule: 'R000-6' | 'R000-8' | 'R000-9' | 'R000-10' | 'R000-13';
  /** What the folio becomes. */
  folioOutcome: FolioOutcome;
  /** The service did not happen for a reason on the customer's side. */
  customerSide: boolean;
  /** R000-8/9/10: one more reschedule at no cost. */
  freeRescheduleEarned: boolean;
  /** R000-6: minutes from the technician's arrival to the end of the visit, waiting included. */
  serviceMinutes: number;
  /** R000-6: minutes the technician waited for the customer (counted in `serviceMinutes`). */
  waitingMinutes: number;
  /** The agent's e-mail. */
  agent: string;
  recordedAt: Date;
}

/** The key of a visit: its folio at its agreed start (a reschedule makes a new visit). */
export function visitKey(folio: Pick<Folio, 'number' | 'slot'>): string {
  return `${folio.number}@${folio.slot.start.toISOString()}`;
}

/**
 * Judges an outcome against the policy and returns the record to keep, or a
 * `ValidationError` saying why it cannot be recorded so.
 *
 * - done (R000-6): service time runs from the technician's arrival, waiting included;
 * - customer absent (R000-10): only once the 10-minute tolerance after the agreed time is over,
 *   with the technician there within it; earns a free reschedule;
 * - no internet (R000-8), infected equipment (R000-9): not performed, a free reschedule earned;
 * - unmet requirements (R000-13): suspended, unless the customer accepted the extra time in
 *   writing, when the service goes on and ends done. The policy grants no free reschedule here.
 */
export function judgeVisitOutcome(
  folio: Folio,
  input: VisitOutcomeInput,
  policy: PolicyConfig,
  agent: string,
  recordedAt: Date,
): VisitOutcomeRecord {
  const { arrivedAt, startedAt, endedAt } = input;
  if ([arrivedAt, endedAt, startedAt ?? arrivedAt].some((d) => Number.isNaN(d.getTime())))
    throw new ValidationError('the visit times are not valid instants', {
      reason: 'timesInvalid',
    });
  if (endedAt < arrivedAt)
    throw new ValidationError('a visit cannot end before the technician arrives', {
      reason: 'endsBeforeArrival',
    });
  if (startedAt && (startedAt < arrivedAt || startedAt > endedAt))
    throw new ValidationError('the work starts between the arrival and the end of the visit', {
      reason: 'startOutsideVisit',
    });
  if (endedAt > recordedAt)
    throw new ValidationError('a visit cannot end in the future', { reason: 'endsInFuture' });
  const tolerance = policy.visits.toleranceMinutes * MS_PER_MINUTE;
  const agreed = folio.slot.start.getTime();
  const accepted = input.extraTimeAcceptedInWriting === true;
  const base = {
    key: visitKey(folio),
    folioNumber: folio.number,
    caseNumber: folio.caseNumber,
    outcome: input.outcome,
    arrivedAt,
    startedAt,
    endedAt,
    extraTimeAcceptedInWriting: input.outcome === 'unmet-requirements' && accepted,
    note: (input.note ?? '').trim().slice(0, 2_000),
    serviceMinutes: serviceMinutes(arrivedAt, endedAt),
    waitingMinutes: Math.max(
      0,
      Math.ceil(((startedAt ?? endedAt).getTime() - arrivedAt.getTime()) / MS_PER_MINUTE),
    ),
    agent,
    recordedAt,
  };
  switch (input.outcome) {
    case 'done':
      if (!startedAt)
        throw new ValidationError('a visit done says when the work started', {
          reason: 'startMissing',
        });
      return { ...base, rule: 'R000-6', folioOutcome: 'done', ...onOurSide };
    case 'customer-absent':
      if (arrivedAt.getTime() > agreed + tolerance)
        throw new ValidationError(
          'the technician arrived after the tolerance: the customer is not absent past it (R000-10)',
          { reason: 'arrivedAfterTolerance' },
        );
      if (endedAt.getTime() <= agreed + tolerance)
        throw new ValidationError(
          `the ${policy.visits.toleranceMinutes}-minute tolerance after the agreed time is not over yet (R000-10)`,
          { reason: 'toleranceNotOver' },
        );
      return { ...base, rule: 'R000-10', folioOutcome: 'cancelled-customer-absent', ...owed };
    case 'no-internet':
      return { ...base, rule: 'R000-8', folioOutcome: 'not-performed', ...owed };
    case 'infected-equipment':
      return { ...base, rule: 'R000-9', folioOutcome: 'not-performed', ...owed };
    case 'unmet-requirements':
      if (accepted) return { ...base, rule: 'R000-13', folioOutcome: 'done', ...onOurSide };
      return {
        ...base,
        rule: 'R000-13',
        folioOutcome: 'not-performed',
        customerSide: true,
        freeRescheduleEarned: false,
      };
  }
}

const onOurSide = { customerSide: false, freeRescheduleEarned: false } as const;
const owed = { customerSide: true, freeRescheduleEarned: true } as const;
