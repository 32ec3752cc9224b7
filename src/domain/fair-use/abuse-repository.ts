import { Schema, type Connection, type Model } from 'mongoose';
import { ensureCollection, modelOn } from '../model-on.ts';
import { isDuplicateKeyError } from '../errors.ts';
import type { PolicyConfig } from '../policy/index.ts';
import { abuseOutcome, suspendedUntil } from '../policy/index.ts';
import {
  isInForce,
  type AbuseOutcome,
  type AbuseRecord,
  type PersonKey,
  type Suspension,
} from './abuse-record.ts';

interface AbuseDocument extends Omit<AbuseRecord, 'id' | 'suspension'> {
  _id: string;
  suspendedUntil: Date | null;
  suspendedHours: number | null;
}

const abuseSchema = new Schema<AbuseDocument>(
  {
    _id: { type: String, required: true },
    person: { type: [String], index: true },
    conversationId: { type: String, required: true },
    accountNumber: { type: String, default: null, index: true },
    rule: { type: String, required: true },
    words: { type: [String], default: [] },
    text: { type: String, default: '' },
    at: { type: Date, required: true },
    suspendedUntil: { type: Date, default: null },
    suspendedHours: { type: Number, default: null },
    agent: { type: String, default: null },
  },
  { collection: 'abuse_records', versionKey: false },
);

/** A person who broke a rule at least once: read by `_id` before any breach is looked for. */
interface PersonMarkDocument {
  _id: string;
  at: Date;
}

const personMarkSchema = new Schema<PersonMarkDocument>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'abuse_people', versionKey: false },
);

function suspensionOf(doc: AbuseDocument): Suspension | null {
  return doc.suspendedHours === null || doc.suspendedHours === undefined
    ? null
    : { until: doc.suspendedUntil ?? null, hours: doc.suspendedHours };
}

function toRecord(doc: AbuseDocument): AbuseRecord {
  return {
    id: doc._id,
    person: doc.person as PersonKey[],
    conversationId: doc.conversationId,
    accountNumber: doc.accountNumber ?? null,
    rule: doc.rule,
    words: [...doc.words],
    text: doc.text,
    at: doc.at,
    suspension: suspensionOf(doc),
    agent: doc.agent ?? null,
  };
}

/**
 * Fair-use breaches per person (R001-8 … R001-11), for the bot to decide suspensions and for
 * agents to read why. Decision 0: each breach is one insert under a unique key, and the count
 * that decides a suspension is a count of those inserts — never a counter updated in place, so
 * two breaches at once both count and a turn run again counts once.
 */
export class AbuseRepository {
  readonly model: Model<AbuseDocument>;
  /**
   * Who ever broke a rule, one insert per person key. Nearly nobody has: a lookup reads these
   * by `_id` and searches the breaches (a scan on the embedded database) only for someone who has.
   */
  readonly people: Model<PersonMarkDocument>;

  constructor(
    connection: Connection,
    private readonly policy: PolicyConfig,
  ) {
    this.model = modelOn(connection, 'AbuseRecord', abuseSchema);
    this.people = modelOn(connection, 'AbusePerson', personMarkSchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
    await ensureCollection(this.people);
  }

  /**
   * Records a breach (its `id` unique: recorded again, it changes nothing and gives the same
   * outcome), counts the person's breaches, and when they pass the policy's warnings, suspends
   * the person for the policy's `suspensionHours` (R001-11; 0: permanently).
   */
  async record(breach: Omit<AbuseRecord, 'suspension'>): Promise<AbuseOutcome> {
    const { id, ...fields } = breach;
    // The marks go in first: a breach is never stored for a person a lookup would skip.
    await Promise.all(
      breach.person.map((key) =>
        this.people.create({ _id: key, at: breach.at }).catch((error: unknown) => {
          if (!isDuplicateKeyError(error)) throw error;
        }),
      ),
    );
    try {
      await this.model.create({ _id: id, ...fields, suspendedUntil: null, suspendedHours: null });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // Every breach of this person, this one included, counted after this insert: of breaches
    // recorded at once, the last insert's count sees them all, so none is missed (a retried
    // turn gets its first outcome back from the effect ledger).
    const warnings = await this.model.countDocuments({ person: { $in: breach.person } });
    if (abuseOutcome(warnings - 1, this.policy) === 'warn') return { warnings, suspension: null };
    const suspension: Suspension = {
      until: suspendedUntil(breach.at, this.policy),
      hours: this.policy.fairUse.suspensionHours,
    };
    // The suspension is written on this breach's own record: no shared document is updated.
    await this.model.updateOne(
      { _id: id },
      { $set: { suspendedUntil: suspension.until, suspendedHours: suspension.hours } },
    );
    return { warnings, suspension };
  }

  /**
   * R001-11 decided by an agent: a suspension for `hours` (0: permanent) with the agent's
   * reason, recorded once under its `id` whatever the person's count of breaches.
   */
  async suspendByAgent(
    breach: Omit<AbuseRecord, 'suspension'>,
    hours: number,
  ): Promise<Suspension> {
    const suspension: Suspension = {
      until: hours === 0 ? null : new Date(breach.at.getTime() + hours * 3_600_000),
      hours,
    };
    await Promise.all(
      breach.person.map((key) =>
        this.people.create({ _id: key, at: breach.at }).catch((error: unknown) => {
          if (!isDuplicateKeyError(error)) throw error;
        }),
      ),
    );
    const { id, ...fields } = breach;
    try {
      await this.model.create({
        _id: id,
        ...fields,
        suspendedUntil: suspension.until,
        suspendedHours: suspension.hours,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const found = await this.model.findById(id).lean<AbuseDocument>();
      return (found && suspensionOf(found)) ?? suspension;
    }
    return suspension;
  }

  /** The suspension in force for any of a person's keys at `now`, the longest; null if none. */
  async suspensionOf(person: readonly PersonKey[], now: Date): Promise<Suspension | null> {
    const marked = await Promise.all(
      person.map((key) => this.people.exists({ _id: key }).then((found) => found !== null)),
    );
    if (!marked.includes(true)) return null;
    const docs = await this.model
      .find({
        person: { $in: [...person] },
        suspendedHours: { $ne: null },
        $or: [{ suspendedUntil: null }, { suspendedUntil: { $gt: now } }],
      })
      .lean<AbuseDocument[]>();
    const inForce = docs
      .map(suspensionOf)
      .filter((s): s is Suspension => s !== null && isInForce(s, now));
    if (inForce.length === 0) return null;
    return (
      inForce.find((s) => s.until === null) ?? inForce.sort((a, b) => +b.until! - +a.until!)[0]!
    );
  }

  /** A person's or an account's breaches, newest first: what agents read (R001-8 … R001-11). */
  async history(filter: { person?: PersonKey; accountNumber?: string }): Promise<AbuseRecord[]> {
    const query = filter.person
      ? { person: filter.person }
      : { accountNumber: filter.accountNumber };
    const docs = await this.model.find(query).sort({ at: -1 }).lean<AbuseDocument[]>();
    return docs.map(toRecord);
  }
}
