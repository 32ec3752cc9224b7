import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/bot/engine/messages.ts';
import { RateLimited } from '../../../src/channels/errors.ts';
import { InProcessChannel } from '../../../src/channels/terminal/in-process-channel.ts';

const to = (channelUserId: string, n: number): OutboundMessage => ({
  deliveryId: `terminal:${channelUserId}:${n}:0`,
  conversationId: `terminal:${channelUserId}`,
  channel: 'terminal',
  channelUserId,
  language: 'es',
  reply: { key: 'chatLimit.reached' },
  inReplyTo: null,
  text: `to ${channelUserId}`,
  choices: [],
});

describe('the in-process channel (terminal chat)', () => {
  it("shows a terminal only its own customer's messages", async () => {
    const channel = new InProcessChannel('terminal');
    const mine: string[] = [];
    const all: string[] = [];
    channel.onMessage((m) => mine.push(m.text), 'me');
    channel.onMessage((m) => all.push(m.text));
    // A timer of another customer on the same database fires in this process.
    await channel.deliver(to('someone-else', 1));
    await channel.deliver(to('me', 1));
    await channel.deliver(to('me', 1)); // resent after a crash: dropped
    expect(mine).toEqual(['to me']);
    expect(all).toEqual(['to someone-else', 'to me']);
  });

  it('tells the customer when a message is over the rate limit', async () => {
    const told = to('me', 2);
    const channel = new InProcessChannel('terminal', async () => {
      throw new RateLimited('user', 2_000, told);
    });
    const error = await channel
      .receive(channel.inbound('me', 'x', 'hola'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect(channel.to('me')).toEqual([told]);
  });
});
