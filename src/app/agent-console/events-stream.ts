/**
 * The console's live feed: server-sent events on fastify's raw response. Each open console gets
 * the events its role may see (an L1 agent none of L2-only work), and a comment every 15 s keeps
 * proxies from closing an idle stream.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DeskEvents } from '../../bot/agent-desk/index.ts';
import { maySee } from '../../bot/agent-desk/index.ts';
import type { ConsoleRole } from '../../domain/agents/agent-access.ts';

const KEEPALIVE_MS = 15_000;

/**
 * Streams desk events to one console until it disconnects, or until the server stops: `open`
 * holds a way to end each open stream, which a stop calls (a stream never ends by itself, and
 * the server's close waits for every response to end; issue 17). The console reconnects.
 */
export function streamEvents(
  events: DeskEvents,
  role: ConsoleRole,
  request: FastifyRequest,
  reply: FastifyReply,
  open?: Set<() => void>,
): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(request.id),
  });
  raw.write('retry: 3000\n\n');
  const unsubscribe = events.subscribe((event) => {
    if (!maySee(role, event.level)) return;
    raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const keepalive = setInterval(() => raw.write(': keep-alive\n\n'), KEEPALIVE_MS);
  keepalive.unref();
  const finish = () => raw.end();
  open?.add(finish);
  const end = () => {
    clearInterval(keepalive);
    unsubscribe();
    open?.delete(finish);
  };
  request.raw.once('close', end);
  raw.once('close', end);
}
