/**
 * E-mail as the domain sees it: a rendered message to one address, the `Mailer` port that
 * sends it (SMTP through nodemailer in `src/bot/mail`), and its failure. Every notification
 * goes through the mail outbox (`mail-outbox.ts`), never straight to a mailer from a turn.
 */
import { AtiendeError } from '../errors.ts';
import type { Language } from '../types.ts';

/**
 * What a mail is for: an account code (issue 12), and the case notifications of issue 16 —
 * opened (R002-4), closed (R002-7, R000-12), visit booked and reminded (R000-3, R000-5,
 * R000-11, R000-13), closed without an answer, and the survey (R002-8).
 */
export const MAIL_KINDS = [
  'account-code',
  'case-opened',
  'case-closed',
  'case-auto-closed',
  'visit-confirmed',
  'visit-reminder',
  'case-survey',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** A rendered e-mail, ready to send. */
export interface OutgoingMail {
  /** Unique: the outbox key, and the Message-ID a resend repeats (so mail clients fold it). */
  id: string;
  kind: MailKind;
  /** An address of the customer record, never one a customer typed. */
  to: string;
  language: Language;
  subject: string;
  text: string;
  html: string;
  /** When the turn that decided it wrote it (business clock). */
  createdAt: Date;
  /** Past this instant (business clock) the mail is useless, an expired code: never sent. */
  expiresAt: Date | null;
}

/**
 * Issue 17: a mail a turn decided, not yet addressed nor rendered. The turn writes only this
 * (one insert, its `_id` the event's: one mail per event, decision 0); the sender, off the
 * turn, finds the address, renders it and sends it, or records that there is no address.
 */
export interface MailIntent {
  id: string;
  kind: MailKind;
  /** What it is about (a case number) and the event's facts, as the preparer reads them. */
  intent: { about: string; facts: Record<string, unknown> };
  /** When the turn that decided it ran (business clock). */
  createdAt: Date;
  /** Past this instant (business clock) the mail is useless: never sent. */
  expiresAt: Date | null;
}

/** What the outbox holds unsent: a rendered mail, or an intent still to address and render. */
export type PendingMail = OutgoingMail | MailIntent;

/** Whether a pending mail is an intent still to prepare. */
export function isIntent(mail: PendingMail): mail is MailIntent {
  return 'intent' in mail && mail.intent !== undefined;
}

/** Sends one e-mail; resolves once the server accepted it, rejects with `MailDeliveryFailed`. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/**
 * A mail server refused a message or could not be reached. The message names the mail and the
 * server's answer, never the mail's text nor the server's credentials.
 */
export class MailDeliveryFailed extends AtiendeError {
  readonly code = 'MAIL_DELIVERY_FAILED';
  constructor(
    message: string,
    /** The server's reply code (5xx: the address or message is refused for good). */
    readonly responseCode: number | null = null,
  ) {
    super(message);
  }
}
