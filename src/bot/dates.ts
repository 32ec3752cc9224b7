/**
 * Instants as people write them, in the customer's language and time zone: "martes 10 de marzo
 * a las 14:00", a visit slot written once — "martes 10 de marzo, de 14:00 a 16:00" — rather than
 * "10 mar 2026, 14:00 – 10 mar 2026, 16:00". Registered as i18next formatters (`when`, `slot`)
 * so a locale text says where a date goes (`{{openedAt, when}}`, `{{start, slot}}`), and the
 * words around the parts (weekday, day, month, time — from `Intl`) come from
 * `locales/<lang>/dates.json`, as natives order them.
 */
import type { i18n } from 'i18next';

/** An ISO instant as the flows pass it in a reply's params. */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The params a formatter sees: the reply's params, the zone and the raw instants among them. */
interface FormatOptions {
  timeZone?: string;
  interpolationkey?: string;
  /** The reply's ISO instants by param name (the params themselves are pre-formatted). */
  instants?: Record<string, string>;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function intl(language: string, zone: string, options: Intl.DateTimeFormatOptions) {
  const key = `${language}|${zone}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    // A zone Intl does not know falls back to UTC rather than failing a reply.
    try {
      format = new Intl.DateTimeFormat(language, { ...options, timeZone: zone });
    } catch {
      format = new Intl.DateTimeFormat(language, { ...options, timeZone: 'UTC' });
    }
    formats.set(key, format);
  }
  return format;
}

function part(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): string {
  return parts.find((p) => p.type === type)?.value ?? '';
}

/** The pieces of an instant in a language and zone: weekday, day, month, time, calendar day. */
function pieces(instant: Date, language: string, zone: string) {
  const day = intl(language, zone, { weekday: 'long', day: 'numeric', month: 'long' });
  const parts = day.formatToParts(instant);
  // English reads "2:00 PM"; Spanish and Portuguese "14:00".
  const time = intl(
    language,
    zone,
    language === 'en'
      ? { hour: 'numeric', minute: '2-digit', hour12: true }
      : { hour: '2-digit', minute: '2-digit', hour12: false },
  ).format(instant);
  const ymd = intl('en-CA', zone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
  return {
    weekday: part(parts, 'weekday'),
    day: part(parts, 'day'),
    month: part(parts, 'month'),
    time,
    ymd,
  };
}

/** Formats instants with the words of one i18next instance's `dates` namespace. */
export function dateFormatter(instance: i18n) {
  const words = (language: string, key: string, params: Record<string, string>) =>
    instance.getFixedT(language, 'dates')(key, params);

  const dayOf = (p: ReturnType<typeof pieces>, language: string) =>
    words(language, 'day', { weekday: p.weekday, day: p.day, month: p.month });

  /** One instant: "martes 10 de marzo a las 14:00". */
  const when = (iso: string, language: string, zone: string): string => {
    const instant = new Date(iso);
    if (Number.isNaN(instant.getTime())) return iso;
    const p = pieces(instant, language, zone);
    return words(language, 'at', { date: dayOf(p, language), time: p.time });
  };

  /** A span, its day written once when both ends fall on it: "martes 10 de marzo, de 14:00 a 16:00". */
  const span = (startIso: string, endIso: string, language: string, zone: string): string => {
    const start = new Date(startIso);
    const end = new Date(endIso);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return startIso;
    const a = pieces(start, language, zone);
    const b = pieces(end, language, zone);
    if (a.ymd === b.ymd)
      return words(language, 'range', { date: dayOf(a, language), start: a.time, end: b.time });
    return words(language, 'rangeDays', {
      start: when(startIso, language, zone),
      end: when(endIso, language, zone),
    });
  };

  return { when, span };
}

/** Adds the `when` and `slot` formatters to an i18next instance (after `init`). */
export function addDateFormatters(instance: i18n): ReturnType<typeof dateFormatter> {
  const dates = dateFormatter(instance);
  const raw = (value: unknown, options: FormatOptions): string =>
    options.instants?.[options.interpolationkey ?? ''] ?? String(value);
  instance.services.formatter?.add('when', (value, language, options: FormatOptions) =>
    dates.when(raw(value, options), language ?? 'es', options.timeZone ?? 'UTC'),
  );
  // `{{start, slot}}`: the span from this param to the reply's `end` (`newStart` to `newEnd`).
  instance.services.formatter?.add('slot', (value, language, options: FormatOptions) => {
    const key = options.interpolationkey ?? 'start';
    const end = options.instants?.[key === 'start' ? 'end' : key.replace(/Start$/, 'End')];
    const start = raw(value, options);
    const zone = options.timeZone ?? 'UTC';
    return end
      ? dates.span(start, end, language ?? 'es', zone)
      : dates.when(start, language ?? 'es', zone);
  });
  return dates;
}
