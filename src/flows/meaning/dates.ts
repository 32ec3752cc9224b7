/**
 * A visit slot named in the customer's words — "mañana a las 9", "el jueves en la tarde", "el de
 * las 14", "tomorrow morning", "amanhã às 10" — among the slots offered (R002-6). Dates and
 * times are read with chrono-node's parser for the conversation's language, in the customer's
 * time zone, from the instant of the message (never the machine's clock). Only one slot fitting
 * is an answer.
 */
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import type { Language } from '../../domain/types.ts';
import { normalise, synonyms } from './lexicon.ts';

const PARSERS: Record<Language, { parse: typeof chrono.es.parse }> = {
  es: chrono.es,
  en: chrono.en,
  pt: chrono.pt,
};

/** An offered slot: its id, start and end instants (ISO). */
export interface SlotOffer {
  id: string;
  start: string;
  end: string;
}

type PartOfDay = 'morning' | 'afternoon' | 'evening';
const PARTS: [PartOfDay, number, number][] = [
  ['morning', 0, 12],
  ['afternoon', 12, 19],
  ['evening', 18, 24],
];

function partOfDay(text: string, language: Language): PartOfDay | null {
  const padded = ` ${text} `;
  const found = PARTS.map(([part]) => part).filter((part) =>
    synonyms(language, part).some((w) => padded.includes(` ${w} `)),
  );
  return found.length === 1 ? found[0]! : null;
}

/**
 * The id of the one offered slot the text names by day, time or part of the day, or null when
 * it names none, several, or no date or time at all.
 */
export function slotNamed(
  raw: string,
  slots: readonly SlotOffer[],
  language: Language,
  timeZone: string,
  at: string,
): string | null {
  const now = DateTime.fromISO(at, { zone: timeZone });
  if (!now.isValid || slots.length === 0) return null;
  const results = PARSERS[language].parse(raw.slice(0, 200), {
    instant: now.toJSDate(),
    timezone: now.offset,
  });
  let day: string | null = null;
  let minute: number | null = null;
  for (const r of results) {
    const c = r.start;
    if (c.isCertain('day') || c.isCertain('weekday')) {
      day = DateTime.fromObject(
        { year: c.get('year')!, month: c.get('month')!, day: c.get('day')! },
        { zone: timeZone },
      ).toISODate();
    }
    if (c.isCertain('hour')) minute = c.get('hour')! * 60 + (c.get('minute') ?? 0);
  }
  const part = partOfDay(normalise(raw), language);
  if (day === null && minute === null && part === null) return null;
  const fitting = slots.filter((slot) => {
    const start = DateTime.fromISO(slot.start, { zone: timeZone });
    const end = DateTime.fromISO(slot.end, { zone: timeZone });
    if (day !== null && start.toISODate() !== day) return false;
    const from = start.hour * 60 + start.minute;
    const to = end.hasSame(start, 'day') ? end.hour * 60 + end.minute : 24 * 60;
    if (minute !== null && !(minute >= from && minute < to)) return false;
    if (part !== null && minute === null) {
      const [, lo, hi] = PARTS.find(([p]) => p === part)!;
      if (start.hour < lo || start.hour >= hi) return false;
    }
    return true;
  });
  return fitting.length === 1 ? fitting[0]!.id : null;
}
