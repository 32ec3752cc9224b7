import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '../errors.ts';
import { ensureCollection, modelOn } from '../model-on.ts';

/** What a network adapter must remember beyond its process: see `ChannelMarks`. */
interface ChannelMarkDocument {
  /** `sent:<deliveryId>` or `unreachable:<conversationId>`. */
  _id: string;
  at: Date;
  reason?: string;
  /** Who claimed a `claim:` mark (the input that did). */
  owner?: string;
}

const channelMarkSchema = new Schema<ChannelMarkDocument>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    reason: { type: String },
    owner: { type: String },
  },
  { collection: 'channel_marks', versionKey: false },
);

const SENT = 'sent:';
const UNREACHABLE = 'unreachable:';
const CLAIM = 'claim:';

/** What a channel should know before it sends a reply. */
export interface SendCheck {
  /** The reply (by its `deliveryId`) already went out: a resend after a crash is dropped. */
  sent: boolean;
  /** The customer blocked the bot: nothing is sent until they write again. */
  unreachable: boolean;
}

/**
 * Durable marks the network adapters keep (issue 14), each one insert under a unique `_id`
 * (decision 0), every read by `_id` (no collection scan): that a reply with a `deliveryId` was
 * sent, so a reply the engine resends after a crash goes out once; that a conversation is
 * unreachable (the customer blocked the bot), so nothing is retried forever; and claims, such
 * as a question answered by one press of its buttons. Generic: any
 * network's adapter uses them through `ChannelContext.marks`.
 */
export class ChannelMarks {
  readonly model: Model<ChannelMarkDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'ChannelMark', channelMarkSchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  /**
   * Whether a reply went out and whether its conversation is reachable: two reads by `_id`
   * equality, at once (the read the embedded FerretDB is known to serve from its index; see
   * ARCHITECTURE.md, "Measured").
   */
  async check(deliveryId: string, conversationId: string): Promise<SendCheck> {
    const [sent, unreachable] = await Promise.all([
      this.model.findById(SENT + deliveryId, { _id: 1 }).lean(),
      this.model.findById(UNREACHABLE + conversationId, { _id: 1 }).lean(),
    ]);
    return { sent: sent !== null, unreachable: unreachable !== null };
  }

  /** Marks a reply sent; false when it already was (another process, or a resend). */
  async markSent(deliveryId: string, at: Date): Promise<boolean> {
    return this.#insert({ _id: SENT + deliveryId, at });
  }

  /** Marks a conversation unreachable (blocked by the customer); false when it already was. */
  async markUnreachable(conversationId: string, at: Date, reason: string): Promise<boolean> {
    return this.#insert({ _id: UNREACHABLE + conversationId, at, reason });
  }

  /**
   * The customer wrote again: reachable. True when it had been marked unreachable. Read first
   * by `_id` (an index lookup): the delete, which the embedded database runs slowly, happens
   * only for the rare customer who had blocked the bot, never per message.
   */
  async markReachable(conversationId: string): Promise<boolean> {
    const id = UNREACHABLE + conversationId;
    if (!(await this.model.findById(id, { _id: 1 }).lean())) return false;
    const result = await this.model.deleteOne({ _id: id });
    return result.deletedCount > 0;
  }

  /**
   * Claims `key` for `owner`, once for good: true for the first owner (and for that owner
   * again, so a redelivered input goes on as the first time), false for any other. A question's
   * buttons answer it once this way, whichever process takes the press.
   */
  async claim(key: string, owner: string, at: Date): Promise<boolean> {
    if (await this.#insert({ _id: CLAIM + key, at, owner })) return true;
    const held = await this.model.findById(CLAIM + key, { owner: 1 }).lean();
    return held?.owner === owner;
  }

  async #insert(doc: ChannelMarkDocument): Promise<boolean> {
    try {
      await this.model.create(doc);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
}
