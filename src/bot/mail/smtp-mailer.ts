/**
 * The `Mailer` port on SMTP, through nodemailer: one connection per message (mails are few: a
 * pool would hold a socket open for nothing), bounded timeouts (the outbox's stale-claim time
 * must exceed the longest send), a Message-ID derived from the outbox id (a resend after a
 * crash repeats it, so mail clients can fold the two), and errors that name the server's answer
 * but never the password of `SMTP_URL`.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { MailDeliveryFailed, type Mailer, type OutgoingMail } from '../../domain/mail/index.ts';

/** Connection, greeting and socket timeouts: a send ends within about 40 s, whatever happens. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** An SMTP mailer, and `close` to release it. */
export interface SmtpMailer extends Mailer {
  close(): void;
}

/** A mailer on the server of `url` (`smtp://user:password@host:587`, `smtps://…:465`). */
export function createSmtpMailer(settings: { url: string; from: string }): SmtpMailer {
  const transport = nodemailer.createTransport({ url: settings.url, ...TIMEOUTS });
  const secrets = secretsOf(settings.url);
  const domain = /@([^>\s]+)>?\s*$/.exec(settings.from)?.[1] ?? 'atiende.invalid';
  return {
    async send(mail: OutgoingMail): Promise<void> {
      try {
        await transport.sendMail({
          from: settings.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: `<${createHash('sha256').update(mail.id).digest('hex').slice(0, 32)}@${domain}>`,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Atiende-Mail': mail.kind },
        });
      } catch (error) {
        const e = error as { message?: string; code?: string; responseCode?: number };
        throw new MailDeliveryFailed(
          redact(`${mail.id}: ${e.code ?? 'ERROR'} ${e.message ?? String(error)}`, secrets),
          e.responseCode ?? null,
        );
      }
    },
    close() {
      transport.close();
    },
  };
}

/** The password of a URL, as written and decoded: what no message may repeat. */
function secretsOf(url: string): string[] {
  try {
    const password = new URL(url).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => (s ? t.split(s).join('***') : t), text);
}
