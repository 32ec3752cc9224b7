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
