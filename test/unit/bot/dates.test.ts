import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../src/bot/i18n.ts';

const t = createTranslator();
const MX = 'America/Mexico_City';
// Tuesday 10 March 2026, 14:00–16:00 in Mexico City (UTC-6).
const slot = { start: '2026-03-10T20:00:00.000Z', end: '2026-03-10T22:00:00.000Z', timeZone: MX };

describe('dates read as people write them (issue 13)', () => {
  it('a visit slot: weekday, and the day written once for a range, in es, en and pt', () => {
    const text = (lang: 'es' | 'en' | 'pt') =>
      t.render({ key: 'visit.slotOption', params: slot }, lang).text;
    expect(text('es')).toBe('martes 10 de marzo, de 14:00 a 16:00');
    expect(text('en')).toBe('Tuesday, March 10, 2:00 PM to 4:00 PM');
    expect(text('pt')).toBe('dia 10 de março (terça-feira), das 14:00 às 16:00');
  });

  it("an instant in the customer's time zone, with its weekday", () => {
    const opened = (timeZone: string) =>
      t.render(
        {
          key: 'case.opened',
          params: { caseNumber: 'AT-2026-000001', openedAt: '2026-03-10T20:00:00.000Z', timeZone },
        },
        'es',
      ).text;
    expect(opened(MX)).toContain('el martes 10 de marzo a las 14:00');
    expect(opened('America/Bogota')).toContain('el martes 10 de marzo a las 15:00');
    expect(opened('America/Caracas')).toContain('el martes 10 de marzo a las 16:00');
    expect(opened(MX).replace('AT-2026-000001', '')).not.toMatch(/2026|T20/);
  });

  it('a span over two days names both days; a plain {{param}} instant still reads as a date', () => {
    const text = t.render(
      {
        key: 'visit.folioConfirmed',
        params: {
          ...slot,
          end: '2026-03-11T16:00:00.000Z',
          folioNumber: 'AT-2026-000001-V1',
          caseNumber: 'AT-2026-000001',
          attendant: 'Laura',
        },
      },
      'es',
    ).text;
    expect(text).toContain(
      'del martes 10 de marzo a las 14:00 al miércoles 11 de marzo a las 10:00',
    );
    const plain = t.render(
      {
        key: 'visitChange.visitOption',
        params: {
          folioNumber: 'AT-2026-000001-V1',
          start: '2026-03-14T15:00:00.000Z',
          subject: 'Impresora',
          timeZone: MX,
        },
      },
      'es',
    ).text;
    expect(plain).toContain('sábado 14 de marzo a las 09:00');
  });
});
