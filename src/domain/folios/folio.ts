import type { CaseNumber } from '../cases/case.ts';
import type { FreeRescheduleReason } from '../policy/index.ts';

/** An agreed time slot for a visit (R002-6). */
export interface VisitSlot {
  start: Date;
  end: Date;
}

export interface Reschedule {
  at: Date;
  from: VisitSlot;
  to: VisitSlot;
  reason: FreeRescheduleReason | 'customer-request' | 'documents-missing';
  cost: 'free' | 'charged';
  /**
   * The idempotency key of the request that moved it: the same request again (a retried
   * input, another process) finds it done and moves nothing (decision 0).
   */
  requestKey?: string | null;
}

export type FolioOutcome = 'pending' | 'done' | 'cancelled-customer-absent' | 'not-performed';

/** A field-visit folio: a technician's visit agreed with the customer (R004-3, R002-6). */
export interface Folio {
  /** `<case number>-V<n>`. */
  number: string;
  caseNumber: CaseNumber;
  slot: VisitSlot;
  /** The customer person available for the whole service (R000-3). */
  attendant: string;
  createdAt: Date;
  reschedules: Reschedule[];
  /** Free reschedules earned by R000-8/9/10. */
  freeReschedulesLeft: number;
  outcome: FolioOutcome;
  /** Service time of a done visit, waiting for the customer included (R000-6). */
  serviceMinutes?: number;
  /** The idempotency key of the request that opened it: a retried request gets it back. */
  requestKey?: string | null;
  /** The key of the visit outcome last applied (`visit-outcome.ts`): applied once. */
  outcomeKey?: string | null;
}

export function folioNumber(caseNumber: CaseNumber, n: number): string {
  return `${caseNumber}-V${n}`;
}
