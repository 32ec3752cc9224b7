import { DateTime, IANAZone } from 'luxon';
import { ConfigurationError } from '../errors.ts';
import { isCountry, type Country } from '../types.ts';
import { minutesOfDay } from './config.ts';
import type { PolicyConfig } from './config.ts';
import { isHoliday } from './holidays.ts';

/** A stretch of business time, `start` included and `end` excluded. */
export interface BusinessInterval {
  start: Date;
  end: Date;
}

/**
 * ARCHITECTURE decision 4: office hours (R003-2), the country's holidays, announced extensions
 * (R003-3) and suspensions (R003-4) in one time zone. Every SLA and the reschedule notice
 * (R000-5) are measured on it. All methods are pure: "now" is always an argument.
 */
export interface BusinessCalendar {
  readonly country: Country;
  readonly timeZone: string;
  /** R003-2/3/4: inside a window on a business day, not a holiday, not suspended — or extended. */
  isBusinessTime(at: Date): boolean;
  /** `at` itself when it is business time, else the start of the next business interval. */
  nextBusinessInstant(at: Date): Date;
  /**
   * The instant at which `minutes` business minutes have elapsed from `at`. When they run out
   * exactly at the end of an interval, that end is returned (11:00 + 60 → 12:00, not 14:00).
   */
  addBusinessMinutes(at: Date, minutes: number): Date;
  /** Business minutes in [from, to); negative when `to` precedes `from`. */
  businessMinutesBetween(from: Date, to: Date): number;
  /** The business intervals inside [from, to), clipped to it, touching intervals merged. */
  businessIntervals(from: Date, to: Date): BusinessInterval[];
  /** The start (local midnight) of the calendar's day that contains `at`. */
  startOfDay(at: Date): Date;
}

type Span = readonly [start: number, end: number];

/** One day of the calendar's zone: [start, end) and its business spans. */
interface LocalDay {
  start: number;
  end: number;
  spans: Span[];
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/** A calendar with no business time in three years is a configuration error, not a wait. */
const MAX_DAYS_WITHOUT_BUSINESS_TIME = 3 * 366;
const DAY_CACHE_LIMIT = 4_000;

/** Sorts and merges overlapping or touching spans. */
function union(spans: readonly Span[]): Span[] {
  const sorted = [...spans].filter(([s, e]) => s < e).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The parts of `spans` outside `cut`. */
function subtract(spans: readonly Span[], cut: Span): Span[] {
  return spans.flatMap(([s, e]): Span[] => {
    if (cut[1] <= s || cut[0] >= e) return [[s, e]];
    const parts: Span[] = [];
    if (s < cut[0]) parts.push([s, cut[0]]);
    if (cut[1] < e) parts.push([cut[1], e]);
    return parts;
  });
}

function instantOf(date: Date, name: string): number {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new RangeError(`${name} is not a valid date`);
  return t;
}

/**
 * Builds the business calendar of a country (ARCHITECTURE decision 4), in the country's time
 * zone unless another is given (a customer in a different zone of the same country).
 * Throws ConfigurationError for a country or time zone the policy does not know.
 */
export function createBusinessCalendar(
  config: PolicyConfig,
  country: string,
  timeZone?: string,
): BusinessCalendar {
  if (!isCountry(country) || !config.countries[country]) {
    throw new ConfigurationError(
      `unknown country "${country}": the policy serves ${Object.keys(config.countries).join(', ')}`,
    );
  }
  const code: Country = country;
  const zone = timeZone ?? config.countries[code].timeZone;
  if (!IANAZone.isValidZone(zone)) {
    throw new ConfigurationError(`"${zone}" is not an IANA time zone`);
  }
  const windows = config.officeHours.windows.map((w) => ({
    start: minutesOfDay(w.start),
    end: minutesOfDay(w.end),
  }));
  const businessDays = new Set(config.officeHours.days);
  const applies = config.announcements.filter((a) => a.country === undefined || a.country === code);
  const toSpan = (a: { from: string; to: string }): Span => [Date.parse(a.from), Date.parse(a.to)];
  const extensions = applies.filter((a) => a.kind === 'extension').map(toSpan);
  const suspensions = applies.filter((a) => a.kind === 'suspension').map(toSpan);
  /**
   * Local days, computed with luxon once each and then found by the UTC day of an instant (a
   * UTC day overlaps at most two local days): zone offsets through Intl cost tens of
   * microseconds, and every turn of a conversation asks the calendar something.
   */
  const daysByUtcDay = new Map<number, LocalDay[]>();

  const localDay = (day: DateTime): LocalDay => {
    const iso = day.toISODate() ?? '';
    const start = day.toMillis();
    const end = day.plus({ days: 1 }).startOf('day').toMillis();
    let spans: Span[] = [];
    if (businessDays.has(day.weekday) && !isHoliday(code, iso, config).holiday) {
      const at = (minutes: number): number =>
        day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
      spans = windows.map((w): Span => [at(w.start), at(w.end)]);
    }
    for (const cut of suspensions) spans = subtract(spans, cut);
    const extra = extensions
      .filter(([s, e]) => s < end && e > start)
      .map(([s, e]): Span => [Math.max(s, start), Math.min(e, end)]);
    return { start, end, spans: union([...spans, ...extra]) };
  };

  /** The local day that contains the instant `t`, with its business spans. */
  const localDayAt = (t: number): LocalDay => {
    const utcDay = Math.floor(t / MS_PER_DAY);
    let days = daysByUtcDay.get(utcDay);
    if (!days) {
      days = [];
      const utcEnd = (utcDay + 1) * MS_PER_DAY;
      let day = DateTime.fromMillis(utcDay * MS_PER_DAY, { zone }).startOf('day');
      while (day.toMillis() < utcEnd) {
        const found = localDay(day);
        days.push(found);
        day = DateTime.fromMillis(found.end, { zone });
      }
      if (daysByUtcDay.size >= DAY_CACHE_LIMIT) daysByUtcDay.clear();
      daysByUtcDay.set(utcDay, days);
    }
    return days.find((d) => d.start <= t && t < d.end) ?? localDay(startOfLocalDay(t));
  };

  const startOfLocalDay = (t: number): DateTime => DateTime.fromMillis(t, { zone }).startOf('day');

  /**
   * Business spans from `from` on (clipped to start at `from`), merged across midnight, day by
   * day: adding 15 business days walks about 21 days, not 10 000 minutes.
   */
  function* spansFrom(from: number, until = Infinity): Generator<Span> {
    let day = localDayAt(from);
    let pending: [number, number] | undefined;
    let emptyDays = 0;
    while (day.start < until) {
      const spans = day.spans.filter(([, e]) => e > from);
      if (spans.length === 0) {
        if (pending) {
          yield pending;
          pending = undefined;
        }
        if (++emptyDays > MAX_DAYS_WITHOUT_BUSINESS_TIME && until === Infinity) {
          throw new ConfigurationError(
            `the ${code} business calendar has no business time in ${MAX_DAYS_WITHOUT_BUSINESS_TIME} days`,
          );
        }
      } else {
        emptyDays = 0;
        for (const [s, e] of spans) {
          const start = Math.max(s, from);
          if (pending && start <= pending[1]) {
            pending[1] = Math.max(pending[1], e);
          } else {
            if (pending) yield pending;
            pending = [start, e];
          }
        }
      }
      day = localDayAt(day.end);
    }
    if (pending) yield pending;
  }

  const businessIntervals = (from: Date, to: Date): BusinessInterval[] => {
    const a = instantOf(from, 'from');
    const b = instantOf(to, 'to');
    const out: BusinessInterval[] = [];
    if (b <= a) return out;
    for (const [s, e] of spansFrom(a, b)) {
      if (s >= b) break;
      out.push({ start: new Date(s), end: new Date(Math.min(e, b)) });
    }
    return out;
  };

  const businessMinutesBetween = (from: Date, to: Date): number => {
    if (instantOf(to, 'to') < instantOf(from, 'from')) return -businessMinutesBetween(to, from);
    const ms = businessIntervals(from, to).reduce(
      (sum, i) => sum + i.end.getTime() - i.start.getTime(),
      0,
    );
    return ms / MS_PER_MINUTE;
  };

  return {
    country: code,
    timeZone: zone,
    isBusinessTime(at) {
      const t = instantOf(at, 'at');
      return localDayAt(t).spans.some(([s, e]) => s <= t && t < e);
    },
    nextBusinessInstant(at) {
      const t = instantOf(at, 'at');
      const first = spansFrom(t).next();
      // spansFrom either yields or throws; `done` cannot happen with an open end.
      return new Date(first.done ? t : first.value[0]);
    },
    addBusinessMinutes(at, minutes) {
      const t = instantOf(at, 'at');
      if (!Number.isFinite(minutes) || minutes < 0) {
        throw new RangeError(`business minutes must be a finite number ≥ 0, got ${minutes}`);
      }
      let remaining = minutes * MS_PER_MINUTE;
      if (remaining === 0) return new Date(t);
      for (const [s, e] of spansFrom(t)) {
        if (remaining <= e - s) return new Date(Math.round(s + remaining));
        remaining -= e - s;
      }
      throw new Error('unreachable: spansFrom is unbounded');
    },
    businessMinutesBetween,
    businessIntervals,
    startOfDay(at) {
      return new Date(localDayAt(instantOf(at, 'at')).start);
    },
  };
}
