/**
 * The mail outbox's sender loop (issue 12; issue 16's notifications too). Every process runs
 * one: it reads the pending mails, claims an attempt by insert (never the same attempt twice),
 * sends, and records the outcome by insert — sent, or failed with its retry time (back-off), or
 * given up. A turn never waits for it: the turn inserts the mail and nudges the loop.
 *
 * At most once per attempt; at least once overall. The one duplicate: a process that dies after
 * the server accepted the mail and before it recorded it sent. Its claim is taken for dead after
 * `staleClaimMs` (2 minutes) and the next attempt sends again — with the same Message-ID.
 *
 * Issue 17: a case notice is queued as an intent (one insert in the turn); the sender prepares
 * it — finds the address, renders it, or records "no address" — then sends it as any mail. An
 * intent a process died on is still pending: the next round, in any process, prepares it anew
 * (preparing writes nothing until an attempt is claimed, so it cannot double a mail). A rendered
 * form is stored only when the mail is not sent at once. Without a mailer the loop only
 * prepares, so that the kept mails are listed addressed (issue 16).
 */
import pLimit from 'p-limit';
import type { Clock } from '../../domain/clock.ts';
import {
  DELIVERY_RULES,
  isIntent,
  planDelivery,
  type DeliveryRules,
  type MailIntent,
  type Mailer,
  type MailOutbox,
  type OutgoingMail,
  type PendingMail,
} from '../../domain/mail/index.ts';

/** Real milliseconds between a keeper's rounds (no mail server): kept mails are not urgent. */
const KEEPER_POLL_MS = 10_000;
/**
 * Addresses and renders an intent: the mail, or 'ended' when it never will be (no address on
 * record: the preparer has recorded that outcome).
 */
export type PrepareMail = (intent: MailIntent) => Promise<OutgoingMail | 'ended'>;

/** How a sender loop runs. */
export interface MailSenderOptions {
  /** This process, recorded on its claims. */
  processId: string;
  /**
   * Real milliseconds between reads of the outbox (default 2 s; without a mail server 10 s); a
   * nudge reads it at once.
   */
  pollMs?: number;
  rules?: DeliveryRules;
  /** Mails sent at once. */
  concurrency?: number;
  /** Real time, for claims and back-off (tests may move it). */
  realNow?: () => Date;
  /** An attempt failed (the error names the mail, never its text or the server's password). */
  onError?: (error: unknown) => void;
  /** Issue 17: prepares intents (without it, intents wait for a process that can). */
  prepare?: PrepareMail;
}

/** What became of one mail in one round. */
type Round = 'sent' | 'failed' | 'waiting' | 'ended';

/** Sends the outbox's mails from this process: started and stopped with the runtime. */
export class MailSender {
  readonly stats = { sent: 0, failed: 0, givenUp: 0, expired: 0 };
  readonly #rules: DeliveryRules;
  readonly #realNow: () => Date;
  readonly #limit: ReturnType<typeof pLimit>;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;
  #again = false;

  constructor(
    private readonly outbox: MailOutbox,
    /** Null: no mail server; the loop only prepares intents, and the mails are kept. */
    private readonly mailer: Mailer | null,
    /** The business clock: a mail's `expiresAt` is a business instant (a code's expiry). */
    private readonly clock: Clock,
    private readonly options: MailSenderOptions,
  ) {
    this.#rules = options.rules ?? DELIVERY_RULES;
    this.#realNow = options.realNow ?? (() => new Date());
    this.#limit = pLimit(options.concurrency ?? 4);
  }

  /**
   * Polls the outbox, and sends at once what this process queues. Without a mail server
   * nothing is urgent: the mails are only prepared to be kept, every KEEPER_POLL_MS, never on a
   * nudge (each round reads the pending mails, which on the embedded database is a scan).
   */
  start(): void {
    if (this.#timer) return;
    if (this.mailer) this.outbox.onQueued = () => this.nudge();
    const every = this.options.pollMs ?? (this.mailer ? 2_000 : KEEPER_POLL_MS);
    this.#timer = setInterval(() => this.nudge(), every);
    this.#timer.unref();
    this.nudge();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.outbox.onQueued) this.outbox.onQueued = null;
    this.#again = false;
    await this.#running?.catch(() => undefined);
  }

  /** Reads the outbox now (or right after the round under way). */
  nudge(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    void this.tick().catch((error) => this.options.onError?.(error));
  }

  /** One round over the pending mails; returns how many this process sent. */
  tick(): Promise<number> {
    this.#running ??= this.#round().finally(() => {
      this.#running = null;
      if (this.#again && this.#timer) {
        this.#again = false;
        this.nudge();
      }
    });
    return this.#running;
  }

  async #round(): Promise<number> {
    // Without a mail server the rendered mails are only kept: not even looked at.
    const due = await this.outbox.due(100, this.mailer === null);
    const rounds = await Promise.all(due.map((mail) => this.#limit(() => this.#deliver(mail))));
    return rounds.filter((r) => r === 'sent').length;
  }

  async #deliver(pending: PendingMail): Promise<Round> {
    // Ended by a process that died before dropping it from the pending ones, or queued again
    // by a turn run again after it was sent.
    if (await this.outbox.outcome(pending.id)) {
      await this.outbox.forget(pending.id);
      return 'ended';
    }
    if (!isIntent(pending)) return this.mailer ? this.#attempt(pending, this.mailer) : 'waiting';
    if (!this.options.prepare) return 'waiting';
    const mail = await this.options.prepare(pending);
    if (mail === 'ended') return 'ended';
    const round = this.mailer ? await this.#attempt(mail, this.mailer) : 'waiting';
    // Not sent at once: later rounds (and the supervisors' list) find it rendered.
    if (round === 'failed' || round === 'waiting') await this.outbox.prepared(mail);
    return round;
  }

  async #attempt(mail: OutgoingMail, mailer: Mailer): Promise<Round> {
    const attempts = await this.outbox.history(mail.id, this.#rules.maxAttempts);
    if (mail.expiresAt && this.clock.now().getTime() > mail.expiresAt.getTime()) {
      if (await this.outbox.end(mail.id, this.#outcome('expired', attempts.length)))
        this.stats.expired++;
      return 'ended';
    }
    const plan = planDelivery(attempts, this.#realNow(), this.#rules);
    if (plan.step === 'wait') return 'waiting';
    if (plan.step === 'give-up') {
      if (await this.outbox.end(mail.id, this.#outcome('failed', attempts.length)))
        this.stats.givenUp++;
      return 'ended';
    }
    if (!(await this.outbox.claim(mail.id, plan.attempt, this.options.processId, this.#realNow())))
      return 'waiting';
    try {
      await mailer.send(mail);
    } catch (error) {
      const at = this.#realNow();
      await this.outbox.recordFailure(mail.id, plan.attempt, {
        at,
        retryAt: new Date(at.getTime() + this.#rules.backoffMs(plan.attempt)),
        error: error instanceof Error ? error.message : String(error),
      });
      this.stats.failed++;
      this.options.onError?.(error);
      return 'failed';
    }
    await this.outbox.end(mail.id, this.#outcome('sent', plan.attempt));
    this.stats.sent++;
    return 'sent';
  }

  #outcome(outcome: 'sent' | 'failed' | 'expired', attempts: number) {
    return { outcome, at: this.#realNow(), attempts };
  }
}
