/**
 * Issue 12: the mail outbox sends every mail once, even with two processes sending from it at
 * the same moment (each attempt is claimed by insert), and a process killed between the send
 * and its record causes at most the documented duplicate: once its claim is older than
 * `staleClaimMs`, another process sends again, with the same Message-ID.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../../src/bot/mail/smtp-mailer.ts';
import { MailSender } from '../../../src/bot/mail/mail-sender.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { MailOutbox, type OutgoingMail } from '../../../src/domain/mail/index.ts';
import { databaseUri, openTestConnection } from '../../support/database.ts';
import { startSmtpInbox, type SmtpInbox } from '../../support/smtp-inbox.ts';

const WORKER = new URL('../../support/mail-sender-worker.ts', import.meta.url).pathname;
const NOW = new Date('2026-03-10T16:00:00Z');

function mail(id: string): OutgoingMail {
  return {
    id,
    kind: 'account-code',
    to: `${id}@cliente.example`,
    language: 'es',
    subject: `Tu código ${id}`,
    text: `código de ${id}`,
    html: `<p>código de ${id}</p>`,
    createdAt: NOW,
    expiresAt: null,
  };
}

/** A forked mail sender process on the test database and SMTP server. */
async function worker(name: string, uri: string, smtpUrl: string, crash = false) {
  const child: ChildProcess = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      WORKER_URI: uri,
      SMTP_URL: smtpUrl,
      WORKER_NAME: name,
      CRASH_AFTER_SEND: crash ? '1' : '0',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [first] = (await once(child, 'message')) as [{ type: string; error?: string }];
  if (first.type !== 'ready') throw new Error(`worker ${name}: ${first.error ?? first.type}`);
  return {
    child,
    start: () => child.send({ type: 'start' }),
    async stop(): Promise<{ sent: number }> {
      child.send({ type: 'stop' });
      const [reply] = (await once(child, 'message')) as [{ stats: { sent: number } }];
      return reply.stats;
    },
  };
}

describe('the mail outbox with two processes (issue 12)', () => {
  let connection: Connection;
  let outbox: MailOutbox;
  let inbox: SmtpInbox;

  beforeAll(async () => {
    connection = await openTestConnection();
    outbox = new MailOutbox(connection);
    await outbox.init();
    inbox = await startSmtpInbox();
  });
  afterAll(() => inbox.close());

  it('sends each mail exactly once when two processes send from the same outbox at once', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `two-${i + 1}`);
    await Promise.all(ids.map((id) => outbox.enqueue(mail(id))));
    const other = await worker('P2', databaseUri(connection.name), inbox.url());
    const here = new MailSender(
      outbox,
      createSmtpMailer({ url: inbox.url(), from: 'atiende <atiende@test.example>' }),
      new ManualClock(NOW),
      {
        processId: 'P1',
        pollMs: 20,
      },
    );
    other.start();
    here.start();
    await inbox.waitFor(ids.length);
    await new Promise((r) => setTimeout(r, 500)); // time for any second copy to arrive
    await here.stop();
    const theirs = await other.stop();

    const received = inbox.messages.map((m) => m.subject);
    expect(received.sort()).toEqual(ids.map((id) => `Tu código ${id}`).sort());
    expect(new Set(inbox.messages.map((m) => m.messageId)).size).toBe(ids.length);
    expect(here.stats.sent + theirs.sent).toBe(ids.length);
    const claims = await outbox.attempts.find().toArray();
    expect(claims).toHaveLength(ids.length);
    const outcomes = await outbox.outcomes.find().toArray();
    expect(outcomes.every((o) => o.outcome === 'sent' && o.attempts === 1)).toBe(true);
    expect(await outbox.pending.countDocuments()).toBe(0);
    console.info(
      `[mail outbox] 40 mails, two processes: P1 sent ${here.stats.sent}, P2 sent ${theirs.sent}; ${inbox.messages.length} received`,
    );
  });

  it('after a process killed between the send and its record, the mail goes out at most once more, with the same Message-ID', async () => {
    const before = inbox.messages.length;
    await outbox.enqueue(mail('crash-1'));
    const doomed = await worker('P3', databaseUri(connection.name), inbox.url(), true);
    doomed.start();
    const [, signal] = (await once(doomed.child, 'exit')) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');
    await inbox.waitFor(before + 1);
    // Died after the server accepted it, before recording it sent: the outbox has a claim only.
    expect(await outbox.outcome('crash-1')).toBeNull();
    expect(await outbox.history('crash-1', 10)).toEqual([
      { claimedAt: expect.any(Date), failure: null },
    ]);

    const staleClaimMs = 300;
    const survivor = new MailSender(
      outbox,
      createSmtpMailer({ url: inbox.url(), from: 'atiende <atiende@test.example>' }),
      new ManualClock(NOW),
      {
        processId: 'P4',
        rules: { maxAttempts: 5, backoffMs: () => 10, staleClaimMs },
      },
    );
    expect(await survivor.tick()).toBe(0); // the claim is fresh: maybe still sending
    await new Promise((r) => setTimeout(r, staleClaimMs + 50));
    expect(await survivor.tick()).toBe(1);
    expect(await survivor.tick()).toBe(0);
    await new Promise((r) => setTimeout(r, 200));

    const copies = inbox.messages.slice(before);
    expect(copies).toHaveLength(2);
    expect(copies[0]!.messageId).toBe(copies[1]!.messageId);
    expect(await outbox.outcome('crash-1')).toMatchObject({ outcome: 'sent', attempts: 2 });
  });
});
