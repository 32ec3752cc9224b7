/**
 * Two agents never hold one conversation (issue 15, decision 0). Each time a conversation is
 * taken, its next hold `<conversation>:<n>` is inserted: of agents taking it at once, one insert
 * succeeds and the others get a duplicate key. A hold ends (hand back, transfer, close) by
 * inserting its end, so the next agent claims hold n + 1. Read by `_id` probes only.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { insertOnce } from '../../storage/index.ts';
import { ensureCollection, modelOn } from '../model-on.ts';

interface HoldDocument {
  _id: string;
  conversationId: string;
  n: number;
  agent: string;
  at: Date;
}

interface HoldEndDocument {
  _id: string;
  by: string;
  why: string;
  at: Date;
}

const holdSchema = new Schema<HoldDocument>(
  { _id: String, conversationId: String, n: Number, agent: String, at: Date },
  { collection: 'agent_holds', versionKey: false },
);
const endSchema = new Schema<HoldEndDocument>(
  { _id: String, by: String, why: String, at: Date },
  { collection: 'agent_hold_ends', versionKey: false },
);

/** A conversation's latest hold. */
export interface Hold {
  n: number;
  agent: string;
  at: Date;
  ended: boolean;
}

/** What taking a conversation found: it is now this agent's, or another's. */
export type ClaimResult = { taken: true; hold: Hold } | { taken: false; holder: string };

export class ConversationHolds {
  readonly #holds: Model<HoldDocument>;
  readonly #ends: Model<HoldEndDocument>;

  constructor(connection: Connection) {
    this.#holds = modelOn(connection, 'AgentHold', holdSchema);
    this.#ends = modelOn(connection, 'AgentHoldEnd', endSchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.#holds);
    await ensureCollection(this.#ends);
  }

  /** The conversation's latest hold, ended or not; null if it was never taken. */
  async latest(conversationId: string): Promise<Hold | null> {
    let found: HoldDocument | null = null;
    // Holds are numbered without gaps: probe upwards by `_id` (one per takeover, few).
    for (let n = 1; ; n++) {
      const doc = await this.#holds.findById(`${conversationId}:${n}`).lean<HoldDocument>();
      if (!doc) break;
      found = doc;
    }
    if (!found) return null;
    const ended = (await this.#ends.exists({ _id: found._id })) !== null;
    return { n: found.n, agent: found.agent, at: found.at, ended };
  }

  /** The agent holding the conversation now, or null. */
  async holder(conversationId: string): Promise<string | null> {
    const hold = await this.latest(conversationId);
    return hold && !hold.ended ? hold.agent : null;
  }

  /** Takes the conversation for `agent`, unless another agent holds it (or takes it first). */
  async claim(conversationId: string, agent: string, at: Date): Promise<ClaimResult> {
    for (;;) {
      const hold = await this.latest(conversationId);
      if (hold && !hold.ended) {
        return hold.agent === agent ? { taken: true, hold } : { taken: false, holder: hold.agent };
      }
      const n = (hold?.n ?? 0) + 1;
      const id = `${conversationId}:${n}`;
      if (await insertOnce(() => this.#holds.create({ _id: id, conversationId, n, agent, at })))
        return { taken: true, hold: { n, agent, at, ended: false } };
      // Another agent inserted hold n first: read who, and answer from it.
    }
  }

  /** Ends hold `n` (once: a second end is a no-op). */
  async end(conversationId: string, n: number, by: string, why: string, at: Date): Promise<void> {
    await insertOnce(() => this.#ends.create({ _id: `${conversationId}:${n}`, by, why, at }));
  }
}
