import type { PolicyConfig } from './config.ts';

const MS_PER_MINUTE = 60_000;

/** R001-6: whether a follow-up may be requested now, and how many minutes are left if not. */
export interface FollowUpAnswer {
  allowed: boolean;
  /** Whole calendar minutes still to wait (rounded up); 0 when allowed. */
  waitMinutes: number;
}

/**
 * R001-6: no follow-up request (chat, call-back, call) on a ticket before 40 calendar minutes
 * have passed since the last contact.
 */
export function followUpAllowed(
  lastContactAt: Date,
  now: Date,
  config: PolicyConfig,
): FollowUpAnswer {
  const waitMs =
    lastContactAt.getTime() + config.fairUse.followUpWaitMinutes * MS_PER_MINUTE - now.getTime();
  return waitMs <= 0
    ? { allowed: true, waitMinutes: 0 }
    : { allowed: false, waitMinutes: Math.ceil(waitMs / MS_PER_MINUTE) };
}

/** R001-7: the instant a chat session reaches its 20 calendar minutes. */
export function chatLimitDue(sessionStart: Date, config: PolicyConfig): Date {
  return new Date(sessionStart.getTime() + config.fairUse.chatLimitMinutes * MS_PER_MINUTE);
}

/** R001-7: a chat session lasts at most 20 calendar minutes; from then on it is a ticket. */
export function chatLimitReached(sessionStart: Date, now: Date, config: PolicyConfig): boolean {
  return now.getTime() >= chatLimitDue(sessionStart, config).getTime();
}

/**
 * R001-8 / R001-9 / R001-10 / R001-11: a breach of the fair-use rules earns a warning until
 * `abuseWarningsBeforeSuspension` warnings have been given; the next one suspends support.
 */
export function abuseOutcome(previousWarnings: number, config: PolicyConfig): 'warn' | 'suspend' {
  return previousWarnings < config.fairUse.abuseWarningsBeforeSuspension ? 'warn' : 'suspend';
}

/**
 * R001-11: the end of a suspension that starts `now`, or null when it is permanent
 * (`suspensionHours: 0`).
 */
export function suspendedUntil(now: Date, config: PolicyConfig): Date | null {
  const hours = config.fairUse.suspensionHours;
  return hours === 0 ? null : new Date(now.getTime() + hours * 60 * MS_PER_MINUTE);
}
