import type { FastifyBaseLogger } from 'fastify';
import type { Attachment } from '../../domain/cases/case.ts';
import {
  DEFAULT_ATTACHMENT_LIMITS,
  refusalOf,
  type AttachmentRefusal,
  type IncomingFile,
} from '../../domain/attachments/index.ts';
import type { ChannelContext } from '../channel-adapter.ts';
import type { AttachmentLike } from './activities.ts';

/** How long fetching one file from the network may take. */
const FETCH_TIMEOUT_MS = 10_000;

/** Where a visitor's files come from and go to. */
export interface AttachmentSource {
  readonly put: ChannelContext['attachments']['put'];
  /** Whether a `contentUrl` may be fetched (an anonymous sender must not make us fetch anything). */
  readonly mayFetch: (url: URL) => boolean;
  /** The `Authorization` header for a fetch (Azure channels' files need the bot's token). */
  readonly authorization?: (url: URL) => Promise<string | null>;
  readonly logger: FastifyBaseLogger;
}

/**
 * Stores the files of one activity in the database (R001-3), each under its message and index
 * (a redelivered activity stores nothing twice), and gives the attachments for the
 * `InboundMessage`. A file over the limits, of a refused type, or that cannot be read is left
 * out, logged and given back as the refusal to tell the visitor; cards and other non-file
 * attachments are not files.
 */
export async function storeAttachments(
  files: readonly AttachmentLike[],
  where: { conversationId: string; messageId: string; at: Date },
  source: AttachmentSource,
): Promise<{ stored: Attachment[]; refusal: AttachmentRefusal | 'failed' | null }> {
  const stored: Attachment[] = [];
  let refusal: AttachmentRefusal | 'failed' | null = null;
  for (const [index, file] of files.entries()) {
    const contentType = (file.contentType ?? '').trim();
    if (contentType.startsWith('application/vnd.microsoft.')) continue;
    const log = source.logger.child({ conversationId: where.conversationId, index });
    let incoming: IncomingFile | null;
    try {
      incoming = await readFile(file, contentType, source);
    } catch (error) {
      log.warn({ err: error }, 'web chat attachment could not be read: left out');
      refusal ??= 'failed';
      continue;
    }
    if (!incoming) continue;
    const outcome = await source.put(
      `${where.messageId}:${index}`,
      where.conversationId,
      incoming,
      where.at,
    );
    if (outcome.stored) stored.push(outcome.attachment);
    else {
      log.info({ refusal: outcome.refusal }, 'web chat attachment refused by the limits');
      refusal ??= outcome.refusal;
    }
  }
  return { stored, refusal };
}

/** A file's bytes: a `data:` URL inline, or fetched from an allowed `contentUrl`. */
async function readFile(
  file: AttachmentLike,
  declaredType: string,
  source: AttachmentSource,
): Promise<IncomingFile | null> {
  if (!file.contentUrl) return null;
  const url = new URL(file.contentUrl);
  const name = file.name?.trim() || 'file';
  if (url.protocol === 'data:') {
    const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(file.contentUrl);
    if (!match) return null;
    const contentType = declaredType || match[1] || 'application/octet-stream';
    const bytes = match[2]
      ? Buffer.from(match[3]!, 'base64')
      : Buffer.from(decodeURIComponent(match[3]!));
    return { name, contentType, bytes: new Uint8Array(bytes) };
  }
  if (!['http:', 'https:'].includes(url.protocol) || !source.mayFetch(url)) return null;
  // Refused before a byte is fetched when the type says so.
  if (declaredType && refusalOf(null, declaredType) === 'typeNotAllowed')
    return { name, contentType: declaredType, bytes: new Uint8Array() };
  const authorization = (await source.authorization?.(url)) ?? null;
  const response = await fetch(url, {
    headers: authorization ? { authorization } : {},
    redirect: 'error',
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const contentType =
    declaredType || response.headers.get('content-type') || 'application/octet-stream';
  return { name, contentType, bytes: await readCapped(response) };
}

/** The body, cut one byte past the limit (the store then refuses it as too large). */
async function readCapped(response: Response): Promise<Uint8Array> {
  const max = DEFAULT_ATTACHMENT_LIMITS.maxBytes + 1;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= max) break;
  }
  return new Uint8Array(Buffer.concat(chunks).subarray(0, max));
}
