import { Schema, type Connection, type Model } from 'mongoose';
import { ensureCollection, modelOn } from './model-on.ts';

interface AddressDocument {
  _id: string;
  address: Record<string, unknown>;
  updatedAt: Date;
}

const addressSchema = new Schema<AddressDocument>(
  {
    _id: { type: String, required: true },
    address: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'channel_addresses', versionKey: false, minimize: false },
);

/**
 * How a channel reaches a conversation when no request is waiting (a timer's reply, an
 * agent's): a Bot Framework conversation reference, by conversation id. The last one a network
 * gave wins: it is where the customer is now. Kept in the database so that a reply after a
 * restart, or from another process, still finds its way.
 */
export class ChannelAddressBook {
  readonly model: Model<AddressDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'ChannelAddress', addressSchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  /** Keeps `address` as the way to reach `conversationId`. */
  async remember(
    conversationId: string,
    address: Record<string, unknown>,
    at: Date,
  ): Promise<void> {
    await this.model.replaceOne(
      { _id: conversationId },
      { address, updatedAt: at },
      { upsert: true },
    );
  }

  /** The address last kept for `conversationId`, or null. */
  async recall(conversationId: string): Promise<Record<string, unknown> | null> {
    const doc = await this.model.findById(conversationId).lean();
    return doc ? (doc.address as Record<string, unknown>) : null;
  }
}
