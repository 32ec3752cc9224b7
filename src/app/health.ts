import mongoose, { type Connection } from 'mongoose';

// mongoose is CommonJS: its enum is on the default export only.
const { ConnectionStates } = mongoose;

/** What `/healthz` answers. */
export type Health = { status: 'ok' } | { status: 'unavailable'; reason: string };

/** How long a health check waits for the database before calling it unavailable. */
export const PING_TIMEOUT_MS = 1_000;

/**
 * Asks the database a `ping`, waiting at most `timeoutMs`: a process whose database does not
 * answer cannot serve a turn, so a load balancer should stop sending it customers.
 */
export async function checkDatabase(
  connection: Connection,
  timeoutMs = PING_TIMEOUT_MS,
): Promise<Health> {
  const db = connection.db;
  if (connection.readyState !== ConnectionStates.connected || !db) {
    const state = ConnectionStates[connection.readyState] ?? String(connection.readyState);
    return { status: 'unavailable', reason: `the database connection is ${state}` };
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer to a ping in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([db.command({ ping: 1 }), timeout]);
    return { status: 'ok' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'unavailable', reason: `the database does not answer: ${message}` };
  } finally {
    clearTimeout(timer);
  }
}
