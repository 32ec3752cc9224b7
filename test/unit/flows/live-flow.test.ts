/**
 * The engine keeps a conversation's machine running between turns instead of restoring it from
 * the stored snapshot every turn: both ways must give the same conversation, turn by turn.
 */
import { describe, expect, it } from 'vitest';
import { atPowerCheck, atSeverity, type Conversation, type Options } from './harness.ts';

async function visit(options: Options): Promise<Conversation> {
  const c = await atSeverity(options);
  await c.say({ choice: 'high' }, { choice: 'critical' });
  await c.send('El servidor no arranca y muestra error de disco');
  await c.send('Desde el lunes se reinicia solo y muestra disk failure en la consola');
  await c.say('Encenderlo y esperar dos minutos', { choice: 'done' });
  await c.say({ choice: 'slot-1' }, { choice: 'me' });
  return c;
}

async function solvedWithSurvey(options: Options): Promise<Conversation> {
  const c = await atPowerCheck(options);
  await c.say(
    { choice: 'yes' },
    { choice: 'yes' },
    { choice: 'done' },
    { choice: 'yes' },
    { choice: 'yes' },
    '5',
    'Muy bien',
    'no',
  );
  return c;
}

describe('a machine kept running between turns', () => {
  it('R004-3: gives the same replies, calls and snapshots as one restored every turn, to the folio', async () => {
    const restored = await visit({});
    const live = await visit({ live: true });
    expect(live.emitted).toEqual(restored.emitted);
    expect(live.calls).toEqual(restored.calls);
    expect(live.snapshot).toEqual(restored.snapshot);
    expect(live.keys).toContain('visit.folioConfirmed');
  });

  it('R002-8: and to the end of the conversation after the survey', async () => {
    const restored = await solvedWithSurvey({});
    const live = await solvedWithSurvey({ live: true });
    expect(live.emitted).toEqual(restored.emitted);
    expect(live.done).toBe(true);
    expect(restored.done).toBe(true);
    expect(live.snapshot).toEqual(restored.snapshot);
  });
});
