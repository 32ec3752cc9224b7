export { TelegramChannel } from './telegram-channel.ts';
export { DEFAULT_TELEGRAM_SETTINGS, type TelegramSettings } from './settings.ts';
