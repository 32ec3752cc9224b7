import type { ChannelKind } from '../domain/types.ts';
import type { ChannelFactory } from './channel-adapter.ts';
import { HttpJsonChannel } from './http-json/http-json-channel.ts';
import { TelegramChannel } from './telegram/telegram-channel.ts';
import { InProcessChannel } from './terminal/in-process-channel.ts';
import { WhatsAppChannel } from './whatsapp/whatsapp-channel.ts';
import { WebchatChannel } from './webchat/webchat-channel.ts';

/**
 * Every network's adapter, one line each. The compiler refuses a `ChannelKind` without its
 * line here: adding a network adds its name to `CHANNEL_KINDS`, its folder and its line.
 */
export const CHANNELS = {
  terminal: (context) => new InProcessChannel('terminal', context.handle),
  'http-json': (context) => new HttpJsonChannel(context),
  telegram: (context) => new TelegramChannel(context),
  whatsapp: (context) => new WhatsAppChannel(context),
  webchat: (context) => new WebchatChannel(context),
} satisfies Record<ChannelKind, ChannelFactory>;

/** The adapter the registry builds for a network. */
export type ChannelAdapterOf<K extends ChannelKind> = ReturnType<(typeof CHANNELS)[K]>;
