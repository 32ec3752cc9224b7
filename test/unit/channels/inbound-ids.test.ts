import { describe, expect, it } from 'vitest';
import { checkId } from '../../../src/channels/inbound-ids.ts';
import { ValidationError } from '../../../src/domain/errors.ts';

describe('ids are clean text, kept exactly as given', () => {
  it.each([
    ['a lone high surrogate', 'ana\ud800'],
    ['a lone low surrogate', '\udc00ana'],
    ['a reversed pair', '\udc00\ud800'],
    ['NUL', 'a\u0000'],
    ['an escape sequence', '\u001b[2J'],
    ['a C1 control', 'a\u0085'],
    ['DEL', 'a\u007f'],
    ['a zero-width space', 'an\u200ba'],
    ['a bidi override', '\u202eana'],
    ['a line separator', 'a\u2028b'],
    ['the replacement character', 'a\ufffd'],
    ['a noncharacter', 'a\ufdd0'],
    ['a noncharacter of plane 1', 'a\u{1fffe}'],
    ['U+FFFF', 'a\uffff'],
    ['blanks only', '  '],
    ['too long', 'x'.repeat(257)],
  ])('refuses %s', (_name, id) => {
    expect(() => checkId('userId', id)).toThrow(ValidationError);
  });

  it('accepts what networks send, and changes nothing', () => {
    for (const id of [
      '5215512345678',
      'ana@example.com',
      'José',
      'jose\u0301',
      '👍🏽',
      '用户',
      'x'.repeat(256),
    ])
      expect(checkId('userId', id)).toBe(id);
  });

  it('refuses what is not a string', () => {
    for (const id of [undefined, null, 42, {}, ['a']])
      expect(() => checkId('messageId', id)).toThrow('"messageId" must be a non-empty string');
  });
});
