/** The shapes the Bot API emulator speaks (a subset of Telegram's). */

/** A customer of the emulator: a private chat whose id is the user's. */
export interface Customer {
  id: number;
  firstName?: string;
  languageCode?: string;
}

/** A message the bot sent, as the emulator keeps it. */
export interface SentMessage {
  message_id: number;
  chat_id: number;
  text: string;
  reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] } | null;
  /** When it was accepted (ms). */
  at: number;
}

/** A Bot API update as the emulator delivers it. */
export interface Update {
  update_id: number;
  message?: Record<string, unknown>;
  callback_query?: {
    id: string;
    from: Record<string, unknown>;
    chat_instance: string;
    message: { message_id: number; chat: Record<string, unknown>; date: number; text: string };
    data: string;
  };
}
