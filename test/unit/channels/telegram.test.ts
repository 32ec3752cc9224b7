import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/channels/telegram/pacer.ts';
import {
  decodeButton,
  encodeButton,
  inlineKeyboard,
  MAX_CALLBACK_BYTES,
  pressedChoice,
} from '../../../src/channels/telegram/keyboard.ts';
import type { OutboundMessage } from '../../../src/bot/engine/messages.ts';
import { MAX_MESSAGE_CHARS, textParts } from '../../../src/channels/telegram/text-parts.ts';

const elapsed = () => {
  const t0 = performance.now();
  return () => performance.now() - t0;
};

describe('issue 14: Telegram’s sending limits', () => {
  it('spaces a chat’s messages, in order, and all chats together within the per-second limit', async () => {
    // Telegram's limits scaled down tenfold: 100 ms a chat, 300 a second in all.
    const pacer = new Pacer(100, 300);
    const clock = elapsed();
    const sent: [string, number][] = [];
    const send = (chat: string, n: number) =>
      pacer.run(chat, async () => sent.push([`${chat}${n}`, clock()]));
    await Promise.all([send('a', 1), send('a', 2), send('a', 3)]);
    expect(sent.map(([m]) => m)).toEqual(['a1', 'a2', 'a3']);
    expect(sent[1]![1] - sent[0]![1]).toBeGreaterThanOrEqual(95);
    expect(sent[2]![1] - sent[1]![1]).toBeGreaterThanOrEqual(95);

    const wide = new Pacer(100, 300);
    const times: number[] = [];
    const start = elapsed();
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => wide.run(`chat${i}`, async () => times.push(start()))),
    );
    // 60 chats, one message each, at 300 a second: about 200 ms, not all at once.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(190);
  });

  it('a 429 waits its retry_after and sends again before the chat’s next message', async () => {
    const pacer = new Pacer(0, 30);
    const clock = elapsed();
    const sent: [string, number][] = [];
    let refused = false;
    const first = pacer.run('a', async () => {
      if (!refused) {
        refused = true;
        throw new TelegramError({
          error_code: 429,
          description: 'Too Many Requests: retry after 1',
          parameters: { retry_after: 1 },
        });
      }
      sent.push(['first', clock()]);
    });
    const second = pacer.run('a', async () => sent.push(['second', clock()]));
    await Promise.all([first, second]);
    expect(sent.map(([m]) => m)).toEqual(['first', 'second']);
    expect(sent[0]![1]).toBeGreaterThanOrEqual(990);
    expect(pacer.retried).toBe(1);
  });
});

describe('issue 14: inline keyboards', () => {
  const question = (deliveryId: string, ids: string[]): OutboundMessage => ({
    deliveryId,
    conversationId: 'telegram:1',
    channel: 'telegram',
    channelUserId: '1',
    language: 'es',
    reply: { key: 'q' },
    inReplyTo: null,
    text: 'q',
    choices: ids.map((id) => ({ id, label: id })),
  });

  it('keeps callback_data within Telegram’s 64 bytes whatever the choice ids', () => {
    const long = 'x'.repeat(200);
    const keyboard = inlineKeyboard(question('telegram:1:123456789:2', [long, 'b']))!;
    for (const [button] of keyboard.inline_keyboard)
      expect(Buffer.byteLength(button!.callback_data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    expect(decodeButton(keyboard.inline_keyboard[1]![0]!.callback_data)).toEqual({
      version: 123456789,
      index: 2,
      choice: 1,
    });
    expect(decodeButton('{"evil":1}')).toBeNull();
  });

  it('a button answers its question only while no newer question with buttons was asked', () => {
    const ref = decodeButton(encodeButton({ version: 4, index: 1, choice: 1 }))!;
    const asked = question('telegram:1:4:1', ['yes', 'no']);
    const said = { ...question('telegram:1:5:0', []), choices: [] };
    const newer = question('telegram:1:6:0', ['yes', 'no']);
    expect(pressedChoice('telegram:1', ref, [asked], true)?.id).toBe('no');
    expect(pressedChoice('telegram:1', ref, [asked, said], true)?.id).toBe('no');
    expect(pressedChoice('telegram:1', ref, [asked, said, newer], true)).toBeNull();
    expect(pressedChoice('telegram:1', ref, [asked], false)).toBeNull();
    expect(pressedChoice('telegram:1', ref, [said], true)).toBeNull();
  });
});

describe('issue 14: texts longer than a Telegram message', () => {
  it('are cut at line breaks into parts within the limit, nothing lost', () => {
    const line = 'x'.repeat(30);
    const text = Array.from({ length: 300 }, () => line).join('\n');
    const parts = textParts(text);
    expect(parts.length).toBe(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(parts.join('\n')).toBe(text);
    expect(textParts('hola')).toEqual(['hola']);
    expect(textParts('   ')).toEqual([]);
  });
});
