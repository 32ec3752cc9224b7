import { Schema, type Connection, type Model } from 'mongoose';
import { ensureCollection, modelOn } from '../model-on.ts';
import type { SessionState, SessionStates } from './ports.ts';

interface SessionValueDocument {
  /** `<scope>\u0000<key>`: a scope never collides with a key that holds its separator. */
  _id: string;
  value: string;
}

const sessionValueSchema = new Schema<SessionValueDocument>(
  {
    _id: { type: String, required: true },
    value: { type: String, required: true },
  },
  { collection: 'channel_sessions', versionKey: false },
);

/**
 * The networks' session state in the database (issue 14): a restart, a new machine or another
 * process keeps a WhatsApp number paired. One document per key, read and written by `_id`
 * (a lookup on FerretDB, never a scan); a write is a replace by `_id` — only the lease holder
 * of a scope writes it, so FerretDB's read-then-write update races with nobody.
 */
export class SessionStore implements SessionStates {
  readonly model: Model<SessionValueDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'ChannelSessionValue', sessionValueSchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  scope(name: string): SessionState {
    const idOf = (key: string) => `${name}\u0000${key}`;
    const model = this.model;
    return {
      async get(keys) {
        // Point reads in parallel: `_id: {$in}` is not an index lookup on FerretDB v1.
        const found = await Promise.all(
          keys.map((key) =>
            model
              .findById(idOf(key))
              .lean()
              .then((doc) => [key, doc?.value] as const),
          ),
        );
        const values = new Map<string, string>();
        for (const [key, value] of found) if (typeof value === 'string') values.set(key, value);
        return values;
      },
      async set(entries) {
        const operations = [...entries].map(([key, value]) =>
          value === null
            ? { deleteOne: { filter: { _id: idOf(key) } } }
            : {
                replaceOne: {
                  filter: { _id: idOf(key) },
                  replacement: { _id: idOf(key), value },
                  upsert: true,
                },
              },
        );
        if (operations.length > 0) await model.bulkWrite(operations, { ordered: false });
      },
    };
  }
}
