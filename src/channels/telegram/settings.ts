/** Telegram's settings (issue 14): the bot, where its Bot API is, and how it is called. */
export interface TelegramSettings {
  /** The bot's token from BotFather (a secret: never logged). */
  readonly token: string;
  /** The Bot API root, without a trailing slash: Telegram's, a self-hosted server, an emulator. */
  readonly apiRoot: string;
  /**
   * The public URL Telegram posts updates to (webhook mode); null: long polling. Its path is
   * the route on atiende's HTTP server.
   */
  readonly webhookUrl: string | null;
  /** What Telegram sends in `X-Telegram-Bot-Api-Secret-Token` (required with a webhook). */
  readonly webhookSecret: string | null;
  /** Least time between two messages to one chat (Telegram: about one a second). */
  readonly perChatIntervalMs: number;
  /** Most messages a second to all chats together (Telegram: 30). */
  readonly perSecond: number;
}

/** Telegram's own limits and API root: what a bot without other settings runs with. */
export const DEFAULT_TELEGRAM_SETTINGS: Omit<TelegramSettings, 'token'> = {
  apiRoot: 'https://api.telegram.org',
  webhookUrl: null,
  webhookSecret: null,
  perChatIntervalMs: 1000,
  perSecond: 30,
};
