/**
 * Issue 16: the waits of what follows a case after the chat — how many business days before a
 * visit its reminder goes out, and how many business hours a case waits for the customer's
 * "finished" (R000-12) before it closes by itself.
 */
import { z } from 'zod';
import type { FollowUpSettings } from '../bot/case-follow-up.ts';
import { ConfigurationError } from '../domain/errors.ts';
import { whole } from './env-values.ts';

/** The environment variables of the after-chat follow-ups. */
export const FOLLOW_UP_ENV = {
  ATIENDE_VISIT_REMINDER_DAYS: whole(0, 30, 1),
  ATIENDE_CONFIRMATION_WAIT_HOURS: whole(1, 2_000, 16),
  /** Where customers reach atiende from a mail (the survey's answer links). */
  ATIENDE_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  /** Signs the survey's answer links (at least 32 characters; never shown). */
  ATIENDE_LINK_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
};

/** The survey's answer links in mails: the public address and the signing secret (a getter, so
 * that the configuration printed or serialised never shows it). */
export interface SurveyLinkConfig {
  publicUrl: string;
  secret: () => string;
}

/** The survey links of parsed environment variables: both variables, or neither (no links). */
export function surveyLinkConfigFrom(e: {
  ATIENDE_PUBLIC_URL?: string;
  ATIENDE_LINK_SECRET?: string;
}): SurveyLinkConfig | null {
  const { ATIENDE_PUBLIC_URL: publicUrl, ATIENDE_LINK_SECRET: secret } = e;
  if (!publicUrl && !secret) return null;
  if (!publicUrl || !secret)
    throw new ConfigurationError(
      'ATIENDE_PUBLIC_URL and ATIENDE_LINK_SECRET go together: the survey links in mails need both',
    );
  return { publicUrl, secret: () => secret };
}

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
