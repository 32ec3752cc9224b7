/**
 * Issue 16: the waits of what follows a case after the chat — how many business days before a
 * visit its reminder goes out, and how many business hours a case waits for the customer's
 * "finished" (R000-12) before it closes by itself.
 */
import type { FollowUpSettings } from '../bot/case-follow-up.ts';
import { whole } from './env-values.ts';

/** The environment variables of the after-chat follow-ups. */
export const FOLLOW_UP_ENV = {
  ATIENDE_VISIT_REMINDER_DAYS: whole(0, 30, 1),
  ATIENDE_CONFIRMATION_WAIT_HOURS: whole(1, 2_000, 16),
};

/** The follow-up settings of parsed environment variables. */
export function followUpConfigFrom(e: {
  ATIENDE_VISIT_REMINDER_DAYS: number;
  ATIENDE_CONFIRMATION_WAIT_HOURS: number;
}): FollowUpSettings {
  return {
    visitReminderBusinessDays: e.ATIENDE_VISIT_REMINDER_DAYS,
    confirmationWaitBusinessMinutes: e.ATIENDE_CONFIRMATION_WAIT_HOURS * 60,
  };
}
