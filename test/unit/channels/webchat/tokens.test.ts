import { describe, expect, it } from 'vitest';
import {
  TokenSigner,
  directLineConversationOf,
  newVisitor,
} from '../../../../src/channels/webchat/tokens.ts';

describe('web chat tokens: a visitor cannot speak as another', () => {
  const signer = new TokenSigner('a-secret-of-at-least-thirty-two-characters');
  const claims = { userId: 'dl_ana', conversationId: 'dlc_ana', exp: 1_000 };

  it('a token gives back its claims until it expires', () => {
    const token = signer.sign(claims);
    expect(signer.verify(token, 999)).toEqual(claims);
    expect(signer.verify(token, 1_000)).toBe('expired');
  });

  it('a token with changed claims, another key, or none is refused', () => {
    const token = signer.sign(claims);
    const [prefix, , mac] = token.split('.');
    const other = Buffer.from(JSON.stringify({ u: 'dl_bruno', c: 'dlc_bruno', e: 1_000 })).toString(
      'base64url',
    );
    expect(signer.verify(`${prefix}.${other}.${mac}`, 0)).toBe('badSignature');
    expect(new TokenSigner('another-secret-of-thirty-two-characters!').verify(token, 0)).toBe(
      'badSignature',
    );
    expect(signer.verify(undefined, 0)).toBe('missing');
    expect(signer.verify('not.a.token.at-all', 0)).toBe('malformed');
  });

  it('without a secret nothing is signed until a key is given; a configured secret stays', () => {
    const signer = new TokenSigner(null);
    expect(signer.ready).toBe(false);
    expect(() => signer.sign(claims)).toThrow(/not loaded/);
    signer.useKey(Buffer.from('a-key-kept-in-the-database-of-32-bytes'));
    const token = signer.sign(claims);
    expect(new TokenSigner('a-key-kept-in-the-database-of-32-bytes').verify(token, 0)).toEqual(
      claims,
    );
    const configured = new TokenSigner('another-secret-of-thirty-two-characters!');
    configured.useKey(Buffer.from('a-key-kept-in-the-database-of-32-bytes'));
    expect(configured.verify(token, 0)).toBe('badSignature');
  });

  it("a visitor's user id leads to its Direct Line conversation; a Bot Framework id to none", () => {
    const visitor = newVisitor();
    expect(directLineConversationOf(visitor.userId)).toBe(visitor.conversationId);
    expect(directLineConversationOf('emulator:visitor-1')).toBeNull();
    expect(newVisitor().userId).not.toBe(visitor.userId);
  });
});
