import { MongoNotConnectedError } from 'mongodb';
import type { Connection } from 'mongoose';
import type { SupervisorState } from '../bot/database/supervisor.ts';
import type { ChannelAdapter, ChannelHealth } from '../channels/channel-adapter.ts';

/** What `/healthz` answers; `channels` shows the networks that keep a connection. */
export type Health = ({ status: 'ok' } | { status: 'unavailable'; reason: string }) & {
  channels?: Record<string, ChannelHealth>;
};

/** How long a health check waits for the database before calling it unavailable. */
export const PING_TIMEOUT_MS = 1_000;

/**
 * Says whether the database answers: a process whose database does not answer cannot serve a
 * turn, so a load balancer should stop sending it customers. The embedded server's supervisor
 * is asked first (a server it is restarting is down, no need to wait for a ping); then the
 * database is sent a `ping`, waiting at most `timeoutMs`. The ping is sent even when the
 * driver believes the connection down: it is also what makes an idle driver notice at once
 * that a restarted server is back.
 */
export async function checkDatabase(
  connection: Connection,
  options: { timeoutMs?: number; embedded?: { readonly state: SupervisorState } | null } = {},
): Promise<Health> {
  const supervised = options.embedded?.state;
  if (supervised && supervised.status !== 'up')
    return { status: 'unavailable', reason: embeddedDown(supervised) };
  const db = connection.db;
  if (!db) return { status: 'unavailable', reason: 'the database connection is not open' };
  const timeoutMs = options.timeoutMs ?? PING_TIMEOUT_MS;
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
    if (error instanceof MongoNotConnectedError)
      return { status: 'unavailable', reason: 'the database connection is closed' };
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'unavailable', reason: `the database does not answer: ${message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** "the embedded database is restarting (attempt 3): it exited with signal SIGKILL". */
function embeddedDown(state: SupervisorState): string {
  if (state.status === 'stopped') return 'the embedded database is stopped';
  const exit = state.lastExit;
  const how = !exit ? '' : exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
  return `the embedded database is restarting (attempt ${state.attempt})${how ? `: it exited with ${how}` : ''}`;
}

/**
 * The database's health with the connections of the channels that have one (a WhatsApp number
 * logged out shows here, beside the logs). A channel's state does not turn the answer into a
 * 503: the process still serves every other network, and another process would be no better.
 */
export function withChannels(health: Health, channels: readonly ChannelAdapter[]): Health {
  const shown = channels.filter((c) => c.health).map((c) => [c.kind, c.health!()] as const);
  return shown.length === 0 ? health : { ...health, channels: Object.fromEntries(shown) };
}
