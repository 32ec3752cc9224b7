/**
 * A Telegram update read as what the customer did (issue 14): wrote, pressed a button, sent a
 * photo or a document, asked for /start or /help. Only private chats are served: in a group,
 * customers would read each other's cases.
 */

/** The parts of a Bot API `Update` the channel reads. */
export interface TelegramUpdate {
  update_id: number;
  message?: TelegramMessage;
  callback_query?: {
    id: string;
    from: TelegramUser;
    message?: { message_id: number; chat: TelegramChat };
    data?: string;
  };
}

interface TelegramUser {
  id: number;
  is_bot?: boolean;
  first_name?: string;
  last_name?: string;
  language_code?: string;
}

interface TelegramChat {
  id: number;
  type: string;
}

interface TelegramMessage {
  message_id: number;
  from?: TelegramUser;
  chat: TelegramChat;
  date: number;
  text?: string;
  caption?: string;
  photo?: { file_id: string; file_unique_id: string; file_size?: number; width: number }[];
  document?: {
    file_id: string;
    file_unique_id: string;
    file_size?: number;
    file_name?: string;
    mime_type?: string;
  };
}

/** A file the customer sent, as Telegram describes it before it is downloaded. */
export interface FileRef {
  fileId: string;
  /** Telegram's id of the file's content: the key it is stored under (same file, one copy). */
  uniqueId: string;
  size: number | null;
  name: string;
  contentType: string;
}

interface Common {
  chatId: string;
  /**
   * The message's id in its chat (`m<message_id>`), or the press's (`c<callback id>`): ids that
   * never repeat, unlike `update_id`, which Telegram restarts at random after a week without
   * updates. A redelivered update carries the same one, and the engine answers it once.
   */
  messageId: string;
  localeHint: string | null;
  displayName: string | null;
}

/** What a customer did, as the channel handles it. */
export type CustomerAct =
  | (Common & {
      kind: 'text';
      text: string;
      /** Telegram's id of the message in its chat: later messages have higher ones. */
      chatMessageId: number;
    })
  | (Common & { kind: 'command'; command: 'start' | 'help' })
  | (Common & { kind: 'file'; text: string; file: FileRef })
  | (Common & { kind: 'press'; callbackId: string; keyboardMessageId: number; data: string });

/** The act an update carries, or null for what the channel does not serve. */
export function actOf(update: TelegramUpdate): CustomerAct | null {
  const press = update.callback_query;
  if (press) {
    const message = press.message;
    if (!message || message.chat.type !== 'private' || press.from.is_bot) return null;
    return {
      kind: 'press',
      ...common(message.chat.id, `c${press.id}`, press.from),
      callbackId: press.id,
      keyboardMessageId: message.message_id,
      data: press.data ?? '',
    };
  }
  const message = update.message;
  if (!message || message.chat.type !== 'private' || message.from?.is_bot) return null;
  const base = common(message.chat.id, `m${message.message_id}`, message.from);
  const text = message.text ?? message.caption ?? '';
  const command = /^\/(start|help)(@\w+)?(\s|$)/.exec(message.text ?? '')?.[1];
  if (command === 'start' || command === 'help') return { kind: 'command', ...base, command };
  const file = fileOf(message);
  if (file) return { kind: 'file', ...base, text, file };
  if (text.trim() === '') return null; // stickers, locations, voice: nothing to read
  return { kind: 'text', ...base, text, chatMessageId: message.message_id };
}

function common(chatId: number, messageId: string, from: TelegramUser | undefined): Common {
  const name = [from?.first_name, from?.last_name].filter(Boolean).join(' ');
  return {
    chatId: String(chatId),
    messageId,
    localeHint: from?.language_code ?? null,
    displayName: name || null,
  };
}

/** The largest size of a photo, or the document. */
function fileOf(message: TelegramMessage): FileRef | null {
  if (message.photo && message.photo.length > 0) {
    // Telegram sends a photo in several sizes: the widest is the original.
    const largest = message.photo.reduce((a, b) => (b.width > a.width ? b : a));
    return {
      fileId: largest.file_id,
      uniqueId: largest.file_unique_id,
      size: largest.file_size ?? null,
      name: 'photo.jpg',
      contentType: 'image/jpeg',
    };
  }
  const document = message.document;
  if (document) {
    return {
      fileId: document.file_id,
      uniqueId: document.file_unique_id,
      size: document.file_size ?? null,
      name: document.file_name ?? 'document',
      contentType: document.mime_type ?? 'application/octet-stream',
    };
  }
  return null;
}
