import { describe, expect, it } from 'vitest';
import { inboundOf, replyActivity } from '../../../../src/channels/webchat/activities.ts';

const at = new Date('2026-03-10T16:00:00Z');

describe('web chat activities as messages, replies as activities', () => {
  it('a message activity: its id, text, locale; a button press gives the choice id', () => {
    expect(
      inboundOf({ type: 'message', id: 'a1', text: 'Hola', locale: 'pt-BR' }, 'u', at),
    ).toMatchObject({
      channel: 'webchat',
      channelUserId: 'u',
      messageId: 'a1',
      text: 'Hola',
      localeHint: 'pt-BR',
    });
    expect(
      inboundOf(
        { type: 'message', id: 'a2', text: 'Técnico', value: { choice: 'technical' } },
        'u',
        at,
      )?.choice,
    ).toBe('technical');
    expect(inboundOf({ type: 'message', id: 'a3', value: 'lang.en' }, 'u', at)?.choice).toBe(
      'lang.en',
    );
  });

  it('typing, a conversation update or an empty message is no message', () => {
    expect(inboundOf({ type: 'typing', id: 't' }, 'u', at)).toBeNull();
    expect(inboundOf({ type: 'conversationUpdate', id: 'c' }, 'u', at)).toBeNull();
    expect(inboundOf({ type: 'message', id: 'e', text: '' }, 'u', at)).toBeNull();
  });

  it("a reply's choices become buttons that show the label and send the id", () => {
    const activity = replyActivity({
      deliveryId: 'd',
      conversationId: 'webchat:u',
      channel: 'webchat',
      channelUserId: 'u',
      language: 'es',
      reply: { key: 'menu' },
      inReplyTo: 'a1',
      text: '¿En qué te ayudo?',
      choices: [{ id: 'technical', label: 'Falla técnica' }],
    });
    expect(activity).toMatchObject({
      type: 'message',
      text: '¿En qué te ayudo?',
      replyToId: 'a1',
      locale: 'es',
    });
    expect(activity.suggestedActions?.actions).toEqual([
      {
        type: 'messageBack',
        title: 'Falla técnica',
        text: 'Falla técnica',
        displayText: 'Falla técnica',
        value: { choice: 'technical' },
      },
    ]);
  });
});
