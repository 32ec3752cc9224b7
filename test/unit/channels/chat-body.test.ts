import { describe, expect, it } from 'vitest';
import { chatMessage } from '../../../src/channels/http-json/chat-body.ts';
import { ValidationError } from '../../../src/domain/errors.ts';

const at = new Date('2026-03-10T16:00:00Z');

describe('a POST /api/chat body as a message', () => {
  it('passes an optional seq as the message’s sequence', () => {
    const message = chatMessage({ userId: 'ana', messageId: '7', text: 'hola', seq: 7 }, at);
    expect(message).toMatchObject({ channelUserId: 'ana', messageId: '7', sequence: 7 });
    expect(chatMessage({ userId: 'ana', messageId: '8', text: 'hola' }, at)).not.toHaveProperty(
      'sequence',
    );
  });

  it('keeps free text, with lone surrogates made U+FFFD', () => {
    const message = chatMessage({ userId: 'ana', messageId: '1', text: 'hola \ud83d' }, at);
    expect(message.text).toBe('hola \ufffd');
  });

  it.each([0, -3, 2.5, '3', Number.MAX_SAFE_INTEGER + 2])('refuses seq %s', (seq) => {
    expect(() => chatMessage({ userId: 'ana', messageId: '1', text: 'hola', seq }, at)).toThrow(
      ValidationError,
    );
  });
});
