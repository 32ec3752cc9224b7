/**
 * R001-5 (issue 13): a matter already open is recognised as soon as the equipment is known,
 * not after some fifteen questions: the customer is told its number and the report joins it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { atTriage, expectEmittedKeysTranslated, openCase } from './harness.ts';

afterAll(expectEmittedKeysTranslated);

const serverCase = openCase({
  type: 'technical-fault',
  category: 'servers',
  equipmentSerial: 'SRV-MX-0001',
});

describe('duplicate matters, as soon as the equipment is known (R001-5)', () => {
  it('R001-5: the server with a case open joins it right after it is chosen', async () => {
    const c = await atTriage({ openCases: [serverCase], openCaseOutcome: 'joined' });
    await c.send({ choice: 'technical' });
    await c.send({ choice: 'servers' });
    const keys = await c.send({ choice: 'SRV-MX-0001' });
    expect(keys).toEqual(['case.joined', 'common.askAnythingElse']);
    expect(c.callsOf('openCaseOfMatter')).toEqual([
      expect.objectContaining({
        accountNumber: 'MX-1001',
        type: 'technical-fault',
        category: 'servers',
        equipmentSerial: 'SRV-MX-0001',
      }),
    ]);
    expect(c.callsOf('openCase')[0]).toMatchObject({
      type: 'technical-fault',
      category: 'servers',
      equipmentSerial: 'SRV-MX-0001',
    });
    expect(c.keys).not.toContain('technical.askPower');
  });

  it('R001-5: another equipment, or the same one in another category, goes on with the checks', async () => {
    const printer = await atTriage({ openCases: [serverCase] });
    await printer.say({ choice: 'technical' }, { choice: 'printing' });
    expect(await printer.send({ choice: 'PRN-MX-0002' })).toEqual(['technical.confirmLocation']);
    expect(printer.callsOf('openCase')).toEqual([]);

    const other = await atTriage({ openCases: [serverCase] });
    await other.say({ choice: 'technical' }, { choice: 'network' });
    expect(await other.send({ choice: 'SRV-MX-0001' })).toEqual(['technical.confirmLocation']);
  });

  it('R001-5: a typed serial is checked too, then its location asked', async () => {
    const c = await atTriage({ openCases: [serverCase] });
    await c.say({ choice: 'technical' }, { choice: 'servers' }, { choice: 'other' });
    expect(await c.send('XYZ-123')).toEqual(['technical.askLocation']);
    expect(c.callsOf('openCaseOfMatter')).toHaveLength(1);
  });
});
