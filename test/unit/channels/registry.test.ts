import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ChannelFactory } from '../../../src/channels/channel-adapter.ts';
import type { HttpJsonChannel } from '../../../src/channels/http-json/http-json-channel.ts';
import { CHANNELS, type ChannelAdapterOf } from '../../../src/channels/registry.ts';
import {
  DEFAULT_TELEGRAM_SETTINGS,
  type TelegramChannel,
} from '../../../src/channels/telegram/index.ts';
import type { InProcessChannel } from '../../../src/channels/terminal/in-process-channel.ts';
import { CHANNEL_KINDS, type ChannelKind } from '../../../src/domain/types.ts';
import { channelContext } from './context.ts';

describe('the channel registry', () => {
  const context = channelContext({
    settings: {
      telegram: {
        ...DEFAULT_TELEGRAM_SETTINGS,
        token: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
      },
    },
  });

  it('builds, for every network, an adapter of that network', () => {
    expect(Object.keys(CHANNELS).sort()).toEqual([...CHANNEL_KINDS].sort());
    for (const kind of CHANNEL_KINDS) {
      const adapter = CHANNELS[kind](context);
      expect(adapter.kind).toBe(kind);
      for (const method of ['start', 'stop', 'deliver'] as const)
        expect(typeof adapter[method]).toBe('function');
    }
  });

  it('is checked by the compiler: a network without its line does not compile', () => {
    // @ts-expect-error: 'http-json' is missing
    const partial = { terminal: CHANNELS.terminal } satisfies Record<ChannelKind, ChannelFactory>;
    expect(partial).toBeDefined();
    expectTypeOf<ChannelAdapterOf<'terminal'>>().toEqualTypeOf<InProcessChannel>();
    expectTypeOf<ChannelAdapterOf<'http-json'>>().toEqualTypeOf<HttpJsonChannel>();
    expectTypeOf<ChannelAdapterOf<'telegram'>>().toEqualTypeOf<TelegramChannel>();
  });
});
