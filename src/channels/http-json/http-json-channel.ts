import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  conversationIdOf,
  type ChannelPort,
  type InboundMessage,
  type OutboundMessage,
} from '../../bot/engine/messages.ts';
import { ValidationError } from '../../domain/errors.ts';

/** What the engine does with one inbound message. */
export type HandleInbound = (
  message: InboundMessage,
) => Promise<'answered' | 'duplicate' | 'ignored'>;

const MAX_BODY = 64 * 1024;
const KIND = 'http-json';

/**
 * A plain JSON-over-HTTP channel for integrations and for trying the bot with curl:
 * `POST /api/chat {"userId", "messageId", "text" | "choice", "language"?}` answers with the
 * replies of that turn.
 */
export class HttpJsonChannel implements ChannelPort {
  readonly kind = KIND;
  readonly #waiting = new Map<string, OutboundMessage[]>();

  constructor(
    private readonly handle: HandleInbound,
    /** Every request that fails with a 500 is told here, with its conversation. */
    private readonly onFailure: (error: unknown, conversationId: string | null) => void = () => {},
  ) {}

  async deliver(message: OutboundMessage): Promise<void> {
    this.#waiting.get(message.channelUserId)?.push(message);
  }

  /** Serves one request; returns false when the path is not ours. */
  async serve(req: IncomingMessage, res: ServerResponse, now: Date): Promise<boolean> {
    if (req.url !== '/api/chat') return false;
    if (req.method !== 'POST') {
      send(res, 405, { error: 'use POST with a JSON body' });
      return true;
    }
    let conversationId: string | null = null;
    try {
      const body = await readJson(req);
      const userId = field(body, 'userId');
      conversationId = conversationIdOf(KIND, userId);
      const messageId = field(body, 'messageId');
      const text = typeof body.text === 'string' ? body.text : '';
      const choice = typeof body.choice === 'string' ? body.choice : undefined;
      if (!text && !choice) throw new ValidationError('give "text" or "choice"');
      const collected: OutboundMessage[] = [];
      this.#waiting.set(userId, collected);
      try {
        const outcome = await this.handle({
          channel: KIND,
          channelUserId: userId,
          messageId,
          text,
          choice,
          localeHint: typeof body.language === 'string' ? body.language : null,
          receivedAt: now,
        });
        send(res, 200, {
          outcome,
          replies: collected.map((m) => ({
            deliveryId: m.deliveryId,
            key: m.reply.key,
            text: m.text,
            choices: m.choices,
          })),
        });
      } finally {
        this.#waiting.delete(userId);
      }
    } catch (error) {
      if (error instanceof ValidationError)
        send(res, 400, { error: error.message, code: error.code });
      else {
        this.onFailure(error, conversationId);
        send(res, 500, { error: 'internal error' });
      }
    }
    return true;
  }
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(`"${name}" must be a non-empty string`);
  return value;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ValidationError(`the body is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new ValidationError('the body must be a JSON object');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
