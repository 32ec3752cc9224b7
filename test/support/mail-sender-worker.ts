/**
 * A mail sender process for the outbox's two-process and crash tests, forked by the test:
 *
 *   fork('test/support/mail-sender-worker.ts', [], { execArgv: ['--import', 'tsx'],
 *        env: { WORKER_URI, SMTP_URL, WORKER_NAME, CRASH_AFTER_SEND } })
 *
 * It connects to the database of WORKER_URI, runs a `MailSender` on its outbox with an SMTP
 * mailer on SMTP_URL, says `ready`, and sends until told `stop` (it answers `stopped` with its
 * stats). With CRASH_AFTER_SEND=1 it kills itself (SIGKILL) the moment the server has accepted
 * its first mail: after the send, before the outbox records it sent.
 */
import mongoose from 'mongoose';
import { createSmtpMailer } from '../../src/bot/mail/smtp-mailer.ts';
import { MailSender } from '../../src/bot/mail/mail-sender.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { MailOutbox, type Mailer } from '../../src/domain/mail/index.ts';

async function main(): Promise<void> {
  const uri = process.env.WORKER_URI;
  const smtpUrl = process.env.SMTP_URL;
  if (!uri || !smtpUrl || !process.send) throw new Error('WORKER_URI, SMTP_URL and IPC needed');
  const connection = mongoose.createConnection(uri, { autoIndex: false });
  await connection.asPromise();
  const outbox = new MailOutbox(connection);
  const smtp = createSmtpMailer({ url: smtpUrl, from: 'atiende <atiende@test.example>' });
  const mailer: Mailer = {
    async send(mail) {
      await smtp.send(mail);
      if (process.env.CRASH_AFTER_SEND === '1') process.kill(process.pid, 'SIGKILL');
    },
  };
  const sender = new MailSender(outbox, mailer, new ManualClock('2026-03-10T16:00:00Z'), {
    processId: process.env.WORKER_NAME ?? 'worker',
    pollMs: 20,
  });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'start') sender.start();
    if (message.type === 'stop') {
      void sender.stop().then(async () => {
        process.send!({ type: 'stopped', stats: sender.stats });
        await connection.close();
        process.exit(0);
      });
    }
  });
  process.send({ type: 'ready' });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'fatal', error: String(error) });
  process.exit(1);
});
