/**
 * Hand-off to a person (ARCHITECTURE decision 5): why a conversation was queued for an agent,
 * and what the agents' queue knows of it.
 */
import type { CaseNumber, SupportLevel } from './cases/case.ts';
import type { Priority } from './policy/index.ts';

/** Why a conversation is handed to a person. */
export const HANDOFF_REASONS = [
  /** The customer asked for a person (R002-1: the contact centre's phone is told too). */
  'customer-request',
  /** Answers not understood too many times in a row. */
  'not-understood',
  /** The customer is not on record and chose to talk to a person. */
  'unknown-customer',
  /** The customer says a case solved at first level is not finished (R000-12). */
  'case-not-finished',
  /** The customer could not prove the account (no access to its e-mail, code locked; issue 12). */
  'identity-unproven',
  /** A service the flow needed failed. */
  'service-error',
  /** An agent took the conversation over without the bot queueing it. */
  'agent',
] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/** A conversation in the agents' queue, or held by one: what the queue orders and shows. */
export interface Handoff {
  reason: HandoffReason;
  level: SupportLevel;
  priority: Priority;
  caseNumber: CaseNumber | null;
}
