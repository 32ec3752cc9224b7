import { Schema, type Connection, type Model } from 'mongoose';
import type { Clock } from '../clock.ts';
import { isDuplicateKeyError } from '../errors.ts';
import { ensureCollection, modelOn } from '../model-on.ts';
import type { SentMarks } from './ports.ts';

interface SentMarkDocument {
  /** The reply's `deliveryId`. */
  _id: string;
  sentAt: Date;
}

const sentMarkSchema = new Schema<SentMarkDocument>(
  {
    _id: { type: String, required: true },
    sentAt: { type: Date, required: true },
  },
  { collection: 'channel_sent_marks', versionKey: false },
);

/**
 * The replies a network accepted, one document per `deliveryId` (decision 0: inserted, a
 * duplicate is "already marked"), read by `_id`. A channel checks the mark before sending and
 * inserts it after: what remains is the crash between the network's acceptance and the insert.
 */
export class SentMarkStore implements SentMarks {
  readonly model: Model<SentMarkDocument>;

  constructor(
    connection: Connection,
    private readonly clock: Clock,
  ) {
    this.model = modelOn(connection, 'ChannelSentMark', sentMarkSchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  async wasSent(deliveryId: string): Promise<boolean> {
    return (await this.model.findById(deliveryId).lean()) !== null;
  }

  async markSent(deliveryId: string): Promise<void> {
    try {
      await this.model.create({ _id: deliveryId, sentAt: this.clock.now() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
