import type { WAMessage, WAMessageContent } from '@whiskeysockets/baileys';
import { parseJid } from './jid.ts';

/** A file a message carries, as WhatsApp declares it (the bytes are downloaded later). */
export interface MediaInfo {
  kind: 'image' | 'document' | 'video' | 'audio' | 'sticker';
  contentType: string;
  name: string;
  /** Bytes declared by the sender; null when not told. */
  size: number | null;
}

/** A customer's message read from a Baileys payload: no identity resolved yet. */
export interface ReadMessage {
  id: string;
  /** Where it came from and where the answer goes (a phone or `@lid` JID). */
  chatJid: string;
  /** The phone's JID WhatsApp sent beside a `@lid` chat, when it did. */
  chatJidAlt: string | null;
  text: string;
  /** A button or list row pressed, on the clients that still show them. */
  choice: string | null;
  media: MediaInfo | null;
  displayName: string | null;
  /** The sending instant (WhatsApp's seconds); null when absent. */
  sentAt: Date | null;
}

/** Why a payload is not a customer's message. */
export type IgnoredBecause =
  'fromMe' | 'group' | 'broadcast' | 'status' | 'newsletter' | 'notAPerson' | 'noContent';

/** Wrappers WhatsApp puts around a message's content (disappearing, view once, captions…). */
const WRAPPERS = [
  'ephemeralMessage',
  'viewOnceMessage',
  'viewOnceMessageV2',
  'viewOnceMessageV2Extension',
  'documentWithCaptionMessage',
] as const;

/** The content inside its wrappers. */
function unwrap(content: WAMessageContent | null | undefined): WAMessageContent | null {
  let current = content ?? null;
  for (let depth = 0; current && depth < 5; depth++) {
    const inner = WRAPPERS.map((w) => current?.[w]?.message).find(Boolean);
    if (!inner) break;
    current = inner;
  }
  return current;
}

/** WhatsApp's timestamps are seconds, as a number or a protobuf Long. */
function secondsOf(value: WAMessage['messageTimestamp']): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  const long = value as { toNumber?: () => number; low?: number };
  return typeof long.toNumber === 'function' ? long.toNumber() : (long.low ?? null);
}

function sizeOf(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  const long = value as { toNumber?: () => number; low?: number };
  return typeof long.toNumber === 'function' ? long.toNumber() : (long.low ?? null);
}

const EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'application/pdf': 'pdf',
};

function mediaOf(content: WAMessageContent): MediaInfo | null {
  const named = (kind: MediaInfo['kind'], type: string | null | undefined, size: unknown) => {
    const contentType = (type ?? 'application/octet-stream').split(';')[0]!.trim();
    return {
      kind,
      contentType,
      size: sizeOf(size),
      name: `${kind}.${EXTENSION[contentType] ?? 'bin'}`,
    };
  };
  if (content.imageMessage)
    return named('image', content.imageMessage.mimetype, content.imageMessage.fileLength);
  if (content.documentMessage) {
    const doc = content.documentMessage;
    const media = named('document', doc.mimetype, doc.fileLength);
    return { ...media, name: doc.fileName?.trim() || doc.title?.trim() || media.name };
  }
  if (content.videoMessage)
    return named('video', content.videoMessage.mimetype, content.videoMessage.fileLength);
  if (content.audioMessage)
    return named('audio', content.audioMessage.mimetype, content.audioMessage.fileLength);
  if (content.stickerMessage)
    return named('sticker', content.stickerMessage.mimetype, content.stickerMessage.fileLength);
  return null;
}

function textOf(content: WAMessageContent): string {
  return (
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.videoMessage?.caption ??
    content.documentMessage?.caption ??
    content.buttonsResponseMessage?.selectedDisplayText ??
    content.listResponseMessage?.title ??
    content.templateButtonReplyMessage?.selectedDisplayText ??
    ''
  ).trim();
}

function choiceOf(content: WAMessageContent): string | null {
  return (
    content.buttonsResponseMessage?.selectedButtonId ??
    content.listResponseMessage?.singleSelectReply?.selectedRowId ??
    content.templateButtonReplyMessage?.selectedId ??
    null
  );
}

/**
 * Reads one `messages.upsert` message: a customer's text, button or file, or why it is none of
 * the bot's business — our own messages, groups, broadcasts, status, channels, and payloads with
 * nothing a customer said (receipts, reactions, deletions, key distribution).
 */
export function readMessage(message: WAMessage): ReadMessage | IgnoredBecause {
  const { key } = message;
  if (key.fromMe) return 'fromMe';
  const chat = parseJid(key.remoteJid);
  if (key.remoteJid === 'status@broadcast') return 'status';
  if (!chat || chat.kind === 'other') return 'notAPerson';
  if (chat.kind === 'group') return 'group';
  if (chat.kind === 'broadcast') return 'broadcast';
  if (chat.kind === 'newsletter') return 'newsletter';
  if (!key.id) return 'noContent';
  const content = unwrap(message.message);
  if (!content) return 'noContent';
  const media = mediaOf(content);
  const text = textOf(content);
  const choice = choiceOf(content);
  if (text === '' && !media && !choice) return 'noContent';
  const seconds = secondsOf(message.messageTimestamp);
  return {
    id: key.id,
    chatJid: key.remoteJid!,
    chatJidAlt: key.remoteJidAlt ?? null,
    text,
    choice,
    media,
    displayName: message.pushName?.trim() || null,
    sentAt: seconds === null ? null : new Date(seconds * 1000),
  };
}
