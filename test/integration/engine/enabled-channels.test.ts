import { describe, expect, it } from 'vitest';
import { ConversationEngine } from '../../../src/bot/engine/engine.ts';
import { ChannelUnavailable } from '../../../src/bot/engine/errors.ts';
import { InProcessChannel } from '../../../src/channels/terminal/in-process-channel.ts';
import { ConfigurationError } from '../../../src/domain/errors.ts';
import { startTestBot } from '../../support/runtime.ts';

describe('the engine delivers only to the networks it was given', () => {
  it('refuses input from a network it has no channel for, before anything is stored', async () => {
    const bot = await startTestBot();
    const message = { ...bot.channel.inbound('eva', '1', 'hola'), channel: 'http-json' as const };
    const refused = await bot.runtime.engine.handle(message).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChannelUnavailable);
    expect(refused).toMatchObject({ code: 'CHANNEL_UNAVAILABLE', conversationId: 'http-json:eva' });
    expect(await bot.runtime.engine.state('http-json:eva')).toBeNull();
  });

  it('refuses two channels for one network when it is built', () => {
    const options = {
      channels: [new InProcessChannel('terminal'), new InProcessChannel('terminal')],
    } as unknown as ConstructorParameters<typeof ConversationEngine>[0];
    expect(() => new ConversationEngine(options)).toThrow(ConfigurationError);
  });
});
