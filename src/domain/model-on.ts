import type { Connection, Model, Schema } from 'mongoose';

/** The connection's model of that name, compiled once per connection. */
export function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** Creates a model's collection (if missing) and its indexes: unique keys carry guarantees. */
export async function ensureCollection(model: {
  createCollection(): Promise<unknown>;
  syncIndexes(): Promise<unknown>;
}): Promise<void> {
  await model.createCollection().catch(() => undefined);
  await model.syncIndexes();
}
