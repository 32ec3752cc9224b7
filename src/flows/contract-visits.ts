/**
 * Issue 13: a visit as the flows see it when the customer sees, confirms or moves it from the
 * chat (part of the contract in `contract.ts`, which re-exports these).
 */
import type { CaseNumber } from '../domain/cases/case.ts';

/** A visit of the customer's as the flow tells it (R002-6, R000-10): its folio and its slot. */
export interface VisitView {
  folioNumber: string;
  caseNumber: CaseNumber;
  subject: string;
  /** ISO instants of the agreed slot. */
  start: string;
  end: string;
  attendant: string;
  /** Pending, or not done on the customer's side (R000-8/9/10: it may be moved once free). */
  outcome: 'pending' | 'cancelled-customer-absent' | 'not-performed';
  /** Free reschedules owed by R000-8/9/10. */
  freeReschedulesLeft: number;
}

/** R000-5: what moving a visit now costs, and why, told before the customer confirms. */
export interface VisitMoveTerms {
  cost: 'free' | 'charged';
  /** Enough notice (8 business hours), a free reschedule owed, or neither. */
  because: 'notice' | 'owed' | 'short-notice';
}

/** What asking to move a visit gives. */
export type MoveVisitOutput =
  | { outcome: 'moved'; cost: 'free' | 'charged' }
  /** R000-5: the cost is no longer the one accepted: tell it again before moving. */
  | { outcome: 'cost-changed'; terms: VisitMoveTerms }
  /** The visit cannot be moved any more (done, or no longer the account's). */
  | { outcome: 'not-movable' };
