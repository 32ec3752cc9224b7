import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { GroupInserter, insertOnce } from '../../storage/index.ts';
import type { AttemptRecord } from './delivery-plan.ts';
import type { MailIntent, OutgoingMail, PendingMail } from './mail.ts';

/** A rendered mail, or (issue 17) an intent a sender has not prepared yet. */
type PendingDocument =
  | (Omit<OutgoingMail, 'id'> & { _id: string; intent?: undefined })
  | (Omit<MailIntent, 'id'> & { _id: string });
/** A process's claim on one attempt of one mail (`<mail>:<n>`): the first insert wins. */
interface AttemptDocument {
  _id: string;
  by: string;
  at: Date;
}
/** The failure of one attempt (`<mail>:<n>`) and when the next may go. */
interface FailureDocument {
  _id: string;
  at: Date;
  retryAt: Date;
  /** The server's answer, without the mail's text or credentials. */
  error: string;
}
/**
 * How a mail ended: sent, given up after its attempts, expired unsent, or never written because
 * the customer record has no address for it (issue 16: noted, never dropped in silence). Once
 * per mail.
 */
export interface MailOutcome {
  _id: string;
  outcome: 'sent' | 'failed' | 'expired' | 'no-address';
  at: Date;
  attempts: number;
}

/** What the outbox keeps unsent (`MailOutbox.kept`). */
export interface KeptMails {
  pending: { id: string; kind: string; to: string; subject: string; at: Date }[];
  unsent: { id: string; outcome: MailOutcome['outcome']; at: Date }[];
}

/**
 * The durable mail outbox (issue 12; issue 16 sends every notification through it). A turn that
 * decides a mail inserts it here, in the turn — since issue 17 a case notice as an intent only
 * (`intend`), addressed and rendered by the sender; a sender loop in any process delivers it. Every
 * guarantee is an insert (decision 0): the mail by its id (queued once), each attempt by
 * `<mail>:<n>` (made by one process), its outcome by the mail's id (ended once). The pending
 * collection holds only mails not yet ended, and is the one the senders read whole; an ended
 * mail is deleted from it by `_id`, its text (an account code) with it.
 */
export class MailOutbox {
  readonly pending: Collection<PendingDocument>;
  readonly attempts: Collection<AttemptDocument>;
  readonly failures: Collection<FailureDocument>;
  readonly outcomes: Collection<MailOutcome>;
  readonly #intents: GroupInserter;
  /** Called after a mail is queued: a sender loop in this process sends it without waiting. */
  onQueued: (() => void) | null = null;

  constructor(private readonly connection: Connection) {
    this.pending = connection.collection<PendingDocument>('mail_outbox');
    this.attempts = connection.collection<AttemptDocument>('mail_attempts');
    this.failures = connection.collection<FailureDocument>('mail_failures');
    this.outcomes = connection.collection<MailOutcome>('mail_outcomes');
    this.#intents = new GroupInserter(this.pending as unknown as Collection);
  }

  async init(): Promise<void> {
    for (const c of [this.pending, this.attempts, this.failures, this.outcomes]) {
      await this.connection.createCollection(c.collectionName).catch(() => undefined);
    }
  }

  /** Queues a mail; false when a mail with its id is already queued (or ended). */
  async enqueue(mail: OutgoingMail): Promise<boolean> {
    const { id, ...rest } = mail;
    if (await this.outcome(id)) return false;
    const queued = await insertOnce(() => this.pending.insertOne({ _id: id, ...rest }));
    if (queued) this.onQueued?.();
    return queued;
  }

  /**
   * Issue 17: queues a mail's intent, in the turn that decides it — one insert, grouped with the
   * other turns' of this tick, and no read: a sender checks whether the mail had ended already
   * (a turn run again after it was sent) before it does anything. False when it is pending.
   */
  async intend(intent: MailIntent): Promise<boolean> {
    const { id, ...rest } = intent;
    const queued = (await this.#intents.insert({ _id: id, ...rest })) === 'inserted';
    if (queued) this.onQueued?.();
    return queued;
  }

  /**
   * Stores the rendered form of an intent that was not sent at once (kept without a mail
   * server, or to retry), so later attempts and the supervisors' list see it addressed. Only
   * while it is still an intent: a mail ended and dropped meanwhile is not brought back.
   */
  async prepared(mail: OutgoingMail): Promise<void> {
    const { id, ...rest } = mail;
    // By `_id` alone (FerretDB looks it up in the index; another condition scans the pending
    // mails): never an upsert, so a mail ended and dropped meanwhile is not brought back.
    await this.pending.replaceOne({ _id: id }, rest);
  }

  /**
   * Mails not yet ended, oldest first (reads the whole pending collection, kept small); only the
   * intents still to prepare with `intentsOnly` (a process without a mail server).
   */
  async due(limit = 100, intentsOnly = false): Promise<PendingMail[]> {
    const filter = intentsOnly ? { intent: { $exists: true } } : {};
    const docs = await this.pending.find(filter).limit(limit).toArray();
    return docs
      .map(({ _id, ...rest }) => ({ id: _id, ...rest }) as PendingMail)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** The attempts made so far at a mail, in order (read by `_id`, one attempt at a time). */
  async history(mailId: string, max: number): Promise<AttemptRecord[]> {
    const found: AttemptRecord[] = [];
    for (let n = 1; n <= max; n++) {
      const claim = await this.attempts.findOne({ _id: `${mailId}:${n}` });
      if (!claim) break;
      const failure = await this.failures.findOne({ _id: `${mailId}:${n}` });
      found.push({
        claimedAt: claim.at,
        failure: failure && { at: failure.at, retryAt: failure.retryAt },
      });
    }
    return found;
  }

  /** Claims attempt `n` of a mail for a process; false when another process claimed it. */
  claim(mailId: string, attempt: number, by: string, at: Date): Promise<boolean> {
    return insertOnce(() => this.attempts.insertOne({ _id: `${mailId}:${attempt}`, by, at }));
  }

  /** Records that attempt `n` failed and when the next one may go. */
  async recordFailure(
    mailId: string,
    attempt: number,
    failure: { at: Date; retryAt: Date; error: string },
  ): Promise<void> {
    await insertOnce(() => this.failures.insertOne({ _id: `${mailId}:${attempt}`, ...failure }));
  }

  /** Ends a mail (once: false when it had ended already) and drops it from the pending ones. */
  async end(mailId: string, outcome: Omit<MailOutcome, '_id'>): Promise<boolean> {
    const ended = await insertOnce(() => this.outcomes.insertOne({ _id: mailId, ...outcome }));
    await this.forget(mailId);
    return ended;
  }

  /** How a mail ended, if it has. */
  outcome(mailId: string): Promise<MailOutcome | null> {
    return this.outcomes.findOne({ _id: mailId });
  }

  /**
   * Issue 16, for supervisors: the mails kept unsent (no mail server, or still being retried)
   * and the last ones that ended unsent (given up, expired, no address) — what each is and to
   * whom, never its text (an account code's mail carries the code).
   */
  async kept(limit = 50): Promise<KeptMails> {
    const pending = await this.pending
      .find({}, { projection: { kind: 1, to: 1, subject: 1, createdAt: 1 } })
      .limit(limit)
      .toArray();
    const unsent = await this.outcomes
      .find({ outcome: { $ne: 'sent' } })
      .limit(limit)
      .toArray();
    return {
      pending: pending
        // An intent not prepared yet has no address nor subject to show.
        .map((m) => ({
          id: m._id,
          kind: m.kind,
          to: 'to' in m ? m.to : '',
          subject: 'subject' in m ? m.subject : '',
          at: m.createdAt,
        }))
        .sort((a, b) => b.at.getTime() - a.at.getTime()),
      unsent: unsent
        .map((o) => ({ id: o._id, outcome: o.outcome, at: o.at }))
        .sort((a, b) => b.at.getTime() - a.at.getTime()),
    };
  }

  /** Drops an ended mail from the pending ones, by `_id`. */
  async forget(mailId: string): Promise<void> {
    await this.pending.deleteOne({ _id: mailId });
  }
}
