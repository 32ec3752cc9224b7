import type { FastifyInstance } from 'fastify';
import type { InboundMessage, OutboundMessage } from '../../bot/engine/messages.ts';
import { ValidationError } from '../../domain/errors.ts';
import { checkId } from '../inbound-ids.ts';

/** The largest request body accepted, in bytes. */
export const MAX_BODY = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads every body as JSON, whatever its content type (curl sends a form type by default),
 * with fastify's own parser (it refuses prototype poisoning). Bytes that are not UTF-8 are
 * refused rather than replaced: two different broken ids would both become "�".
 */
export function parseBodiesAsJson(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY }, (req, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(new ValidationError('the body must be UTF-8 text'));
    }
    json(req, text, (error, value) =>
      error ? done(new ValidationError('the body must be a JSON object')) : done(null, value),
    );
  });
}

/**
 * A `POST /api/chat` body as the customer's message: `userId` and `messageId` (clean ids),
 * `text` or `choice`, and optionally `language` and `seq` (the message's place in its
 * conversation, 1, 2, 3…, when the client numbers them).
 */
export function chatMessage(body: unknown, receivedAt: Date): InboundMessage {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationError('the body must be a JSON object');
  const fields = body as Record<string, unknown>;
  const channelUserId = checkId('userId', fields.userId);
  const messageId = checkId('messageId', fields.messageId);
  const text = typeof fields.text === 'string' ? fields.text : '';
  const choice = typeof fields.choice === 'string' ? fields.choice : undefined;
  if (!text && !choice) throw new ValidationError('give "text" or "choice"');
  const seq = fields.seq;
  if (seq !== undefined && (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1))
    throw new ValidationError('"seq" must be a whole number from 1');
  return {
    channel: 'http-json',
    channelUserId,
    messageId,
    ...(seq === undefined ? {} : { sequence: seq }),
    // Lone surrogates in free text are made U+FFFD here, as the database would store them.
    text: wellFormed(text),
    choice: choice === undefined ? undefined : wellFormed(choice),
    localeHint: typeof fields.language === 'string' ? fields.language : null,
    receivedAt,
  };
}

/** Lone surrogates replaced by U+FFFD (`String.prototype.toWellFormed`, ES2024). */
function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}

/** A reply as the JSON channel shows it (answers, polls). */
export interface ReplyView {
  deliveryId: string;
  inReplyTo: string | null;
  key: string;
  text: string;
  choices: { id: string; label: string }[];
}

export function replyView(message: OutboundMessage): ReplyView {
  return {
    deliveryId: message.deliveryId,
    inReplyTo: message.inReplyTo,
    key: message.reply.key,
    text: message.text,
    choices: message.choices,
  };
}

/** A query parameter that must be a whole number from `min` (`fallback` when absent). */
export function wholeNumber(name: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new ValidationError(`"${name}" must be a whole number from ${min}`);
  return n;
}
