import { Schema, type Connection, type Model } from 'mongoose';
import { ensureCollection, modelOn } from '../model-on.ts';
import { GroupInserter } from '../../storage/index.ts';
import type { Reschedule } from './folio.ts';

/** A reschedule as claimed before it is applied to its folio: the unique key carries it. */
export interface RescheduleClaim extends Reschedule {
  folioNumber: string;
  requestKey: string;
  /** Whether it spends a free reschedule owed by R000-8/9/10. */
  owedSpent: boolean;
}

type ClaimDocument = Omit<RescheduleClaim, 'folioNumber' | 'requestKey'> & {
  _id: string;
  folioNumber: string;
  requestKey: string;
};

const slotSchema = new Schema({ start: Date, end: Date }, { _id: false });
const schema = new Schema<ClaimDocument>(
  {
    _id: String,
    folioNumber: String,
    requestKey: String,
    at: Date,
    from: slotSchema,
    to: slotSchema,
    reason: String,
    cost: String,
    owedSpent: Boolean,
  },
  { collection: 'folio_reschedules', versionKey: false },
);

/**
 * Decision 0 for reschedules (R000-5): each request to move a visit is claimed by inserting
 * `<folio>:<request key>`; the first insert decides the move and its cost, and the same request
 * again — a retried input, a second process — gets that claim back instead of moving twice.
 */
export class RescheduleClaims {
  readonly model: Model<ClaimDocument>;
  readonly #inserts: GroupInserter;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'FolioReschedule', schema);
    this.#inserts = new GroupInserter(this.model.collection);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  /** Claims the move; returns the claim that holds the key (this one, or the first one's). */
  async claim(claim: RescheduleClaim): Promise<RescheduleClaim> {
    const _id = `${claim.folioNumber}:${claim.requestKey}`;
    if ((await this.#inserts.insert({ ...claim, _id })) === 'inserted') return claim;
    const doc = await this.model.findById(_id).lean<ClaimDocument>();
    if (!doc) throw new Error(`reschedule claim ${_id} vanished`);
    const { _id: _ignored, ...rest } = doc;
    return rest;
  }
}
