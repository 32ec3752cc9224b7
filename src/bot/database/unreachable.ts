import { MongoBulkWriteError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import mongoose from 'mongoose';

/** Causes followed down an error's `cause` chain (a flow or a store may wrap the driver's). */
const MAX_CAUSES = 5;

/**
 * Whether an error says the database did not answer — no server to send to (down, restarting,
 * unreachable: server selection timed out), or the connection broke or timed out under the
 * operation — rather than that it answered no (a duplicate key, a validation error).
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSES && current instanceof Error; depth++) {
    if (
      current instanceof MongoNetworkError || // with its timeout and pool-cleared kinds
      current instanceof MongoServerSelectionError ||
      current instanceof mongoose.Error.MongooseServerSelectionError ||
      isWholeBulkWriteUnanswered(current)
    )
      return true;
    current = current.cause;
  }
  return false;
}

/**
 * `insertMany` reports a broken connection or a failed server selection as a
 * `MongoBulkWriteError` with no per-document errors and no server code, the fields of the
 * driver's error copied onto it (a network error's `beforeHandshake`, a selection error's
 * `reason`) but not its class nor a `cause`.
 */
function isWholeBulkWriteUnanswered(error: Error): boolean {
  if (!(error instanceof MongoBulkWriteError)) return false;
  const copied = error as MongoBulkWriteError & { beforeHandshake?: unknown; reason?: unknown };
  return (
    [copied.writeErrors].flat().length === 0 &&
    copied.code === undefined &&
    (typeof copied.beforeHandshake === 'boolean' || copied.reason !== undefined)
  );
}
