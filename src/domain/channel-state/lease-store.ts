import { Schema, type Connection, type Model } from 'mongoose';
import { insertOnce } from '../../storage/index.ts';
import { ensureCollection, modelOn } from '../model-on.ts';

interface LeaseTermDocument {
  /** `<name>:<term>`: a term is claimed by inserting it, so two contenders cannot both win. */
  _id: string;
  name: string;
  term: number;
  holder: string;
  expiresAt: Date;
}

const leaseTermSchema = new Schema<LeaseTermDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    term: { type: Number, required: true },
    holder: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'channel_leases', versionKey: false },
);

/** A term as stored: who holds it until when. */
export interface LeaseTerm {
  term: number;
  holder: string;
  expiresAt: Date;
}

/**
 * The terms of the leases (decision 6), one document per name and term, read and written by
 * `_id` only. Terms are consecutive from 1 (term n + 1 is claimed only once term n is seen), so
 * the latest is found by probing `_id`s, and are never deleted: one per change of owner.
 */
export class LeaseStore {
  readonly model: Model<LeaseTermDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'ChannelLeaseTerm', leaseTermSchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  async read(name: string, term: number): Promise<LeaseTerm | null> {
    if (term < 1) return null;
    const doc = await this.model.findById(idOf(name, term)).lean();
    return doc ? { term: doc.term, holder: doc.holder, expiresAt: doc.expiresAt } : null;
  }

  /** Claims `term` by insert: true when this call took it, false when another did. */
  claim(name: string, term: number, holder: string, expiresAt: Date): Promise<boolean> {
    return insertOnce(() =>
      this.model.create({ _id: idOf(name, term), name, term, holder, expiresAt }),
    );
  }

  /** Moves a held term's expiry; only its holder writes it, so the update races with nobody. */
  async extend(name: string, term: number, expiresAt: Date): Promise<void> {
    await this.model.updateOne({ _id: idOf(name, term) }, { $set: { expiresAt } });
  }

  /**
   * The latest term at or after `known` (0: none yet): doubling probes, then a binary search
   * between the last term found and the first missing — about 2·log₂ n reads by `_id`.
   */
  async latest(name: string, known = 0): Promise<number> {
    let low = known;
    if (low > 0 && !(await this.read(name, low))) low = 0;
    let step = 1;
    let high = low + step;
    while (await this.read(name, high)) {
      low = high;
      step *= 2;
      high = low + step;
    }
    // low exists (or is 0), high is missing: find the boundary between them.
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await this.read(name, middle)) low = middle;
      else high = middle;
    }
    return low;
  }
}

function idOf(name: string, term: number): string {
  return `${name}:${term}`;
}
