/**
 * Issue 14: WhatsApp and integrations give no language hint. A customer whose first words are
 * English or Portuguese is answered in that language from the first reply, and the account's
 * language does not take it back after identification; a greeting too short to tell, or a hint
 * from the network, leaves the language as it was.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Conversation, expectEmittedKeysTranslated } from './harness.ts';

afterAll(expectEmittedKeysTranslated);

/** The languages the flow told the engine to speak, in order. */
function languagesOf(c: Conversation): string[] {
  return c.emitted.flatMap((e) => (e.type === 'language' ? [e.language] : []));
}

describe('the language of the first words (issue 14)', () => {
  it('a first message in English, no hint: English from the greeting on, kept after identification, and read at triage', async () => {
    const c = new Conversation();
    await c.send('hi there, the printer in our office keeps jamming and nothing prints');
    expect(languagesOf(c)).toEqual(['en']);
    await c.send('MX-1001');
    expect(await c.send({ choice: 'yes' })).toEqual([
      'identification.welcome',
      'triage.confirmKept',
    ]);
    expect(c.reply('triage.confirmKept')?.params).toMatchObject({ intent: 'technical' });
    expect(languagesOf(c)).toEqual(['en']);
  });

  it('a first message in Portuguese, no hint: Portuguese', async () => {
    const c = new Conversation();
    await c.send('oi, minha internet caiu de novo e não volta');
    expect(languagesOf(c)).toEqual(['pt']);
  });

  it('"hola", "hi" or "ok" alone tell nothing: the language stays', async () => {
    for (const text of ['hi', 'hola', 'ok', 'buenas']) {
      const c = new Conversation();
      await c.send(text);
      expect(languagesOf(c), text).toEqual([]);
    }
  });

  it('English words after a greeting that told nothing are read when the identifier is asked', async () => {
    const c = new Conversation();
    await c.send('hello');
    await c.send('my internet has been down since this morning');
    expect(languagesOf(c)).toEqual(['en']);
  });

  it("the network's hint stands: a Spanish-speaking app's user writing one English line stays in Spanish", async () => {
    const c = new Conversation({ input: { localeHint: 'es' } });
    await c.send('my internet has been down since this morning');
    expect(languagesOf(c)).toEqual([]);
  });
});
