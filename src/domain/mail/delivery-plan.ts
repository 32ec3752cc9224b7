/**
 * When an outbox mail is (re)sent: pure decisions on its attempts so far. Attempts are claimed
 * by insert, so two processes never make the same attempt; a claim without an outcome is a send
 * in flight, or one whose process died — after `staleClaimMs` the next attempt goes out, and if
 * the dead process's send had reached the server, that is the one duplicate a crash can cause.
 */

/** How mails are retried. Real time: back-off is about servers, not the business clock. */
export interface DeliveryRules {
  /** Attempts before a mail is given up. */
  maxAttempts: number;
  /** The wait after the n-th failed attempt (n from 1). */
  backoffMs(attempt: number): number;
  /**
   * How long an attempt may stay without an outcome before it is taken for dead. Longer than a
   * send can take (the SMTP adapter's timeouts add up to 40 s), or a slow send is doubled.
   */
  staleClaimMs: number;
}

/** Ten attempts, 10 s doubling to 30 min between them (about 1.5 h in all), dead after 2 min. */
export const DELIVERY_RULES: DeliveryRules = {
  maxAttempts: 10,
  backoffMs: (attempt) => Math.min(10_000 * 2 ** (attempt - 1), 30 * 60_000),
  staleClaimMs: 120_000,
};

/** One attempt as the outbox recorded it: claimed, and failed (with its retry time) or not. */
export interface AttemptRecord {
  claimedAt: Date;
  failure: { at: Date; retryAt: Date } | null;
}

/** What to do with a pending mail now. */
export type DeliveryStep =
  { step: 'send'; attempt: number } | { step: 'wait' } | { step: 'give-up' };

/** The next step for a mail whose attempts so far are `attempts` (in order, from the first). */
export function planDelivery(
  attempts: readonly AttemptRecord[],
  now: Date,
  rules: DeliveryRules,
): DeliveryStep {
  const last = attempts.at(-1);
  if (!last) return { step: 'send', attempt: 1 };
  const next = { step: 'send' as const, attempt: attempts.length + 1 };
  if (last.failure) {
    if (attempts.length >= rules.maxAttempts) return { step: 'give-up' };
    return now.getTime() >= last.failure.retryAt.getTime() ? next : { step: 'wait' };
  }
  if (now.getTime() - last.claimedAt.getTime() <= rules.staleClaimMs) return { step: 'wait' };
  return attempts.length >= rules.maxAttempts ? { step: 'give-up' } : next;
}
