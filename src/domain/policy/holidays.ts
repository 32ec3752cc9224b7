import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { ConfigurationError } from '../errors.ts';
import type { Country } from '../types.ts';
import type { PolicyConfig } from './config.ts';

/** Whether a local date is a holiday in a country, and its name when known. */
export interface HolidayAnswer {
  holiday: boolean;
  name?: string;
}

const instances = new Map<string, Holidays>();
const publicHolidaysByYear = new Map<string, ReadonlyMap<string, string>>();
const namesByYear = new Map<string, ReadonlyMap<string, string>>();

/** The date-holidays calendar of a country, made once. */
function holidaysOf(country: Country): Holidays {
  let hd = instances.get(country);
  if (!hd) {
    hd = new Holidays(country);
    instances.set(country, hd);
  }
  return hd;
}

/** Public holidays of one country and year from date-holidays, keyed by local 'YYYY-MM-DD'. */
function publicHolidays(country: Country, year: number): ReadonlyMap<string, string> {
  const key = `${country}:${year}`;
  let byDate = publicHolidaysByYear.get(key);
  if (!byDate) {
    const hd = holidaysOf(country);
    const map = new Map<string, string>();
    // Only 'public' days close the office: 'bank', 'observance' and 'optional' days do not.
    for (const h of hd.getHolidays(year)) {
      if (h.type === 'public') map.set(h.date.slice(0, 10), h.name);
    }
    byDate = map;
    publicHolidaysByYear.set(key, byDate);
  }
  return byDate;
}

/**
 * R003-2: no attention on holidays. A local date is a holiday of `country` when date-holidays
 * lists it as a public holiday, unless the policy's dated overrides say otherwise (the last
 * matching override wins). `holidays: false` on the country turns holidays (overrides too) off.
 */
export function isHoliday(
  country: Country,
  localDate: string,
  config: PolicyConfig,
): HolidayAnswer {
  const settings = config.countries[country];
  if (!settings) throw new ConfigurationError(`policy.countries: no country "${country}"`);
  if (!settings.holidays) return { holiday: false };
  const override = config.holidayOverrides.findLast(
    (o) => o.country === country && o.date === localDate,
  );
  if (override) {
    return override.name === undefined
      ? { holiday: override.holiday }
      : { holiday: override.holiday, name: override.name };
  }
  const date = DateTime.fromISO(localDate, { zone: 'utc' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(localDate) || !date.isValid) {
    throw new RangeError(`not a local date YYYY-MM-DD: "${localDate}"`);
  }
  const name = publicHolidays(country, date.year).get(localDate);
  return name === undefined ? { holiday: false } : { holiday: true, name };
}

/**
 * R003-2: the name of a holiday to tell a customer, in `language` where date-holidays has one,
 * else the country's own (date-holidays falls back to English for a language it lacks: a
 * Portuguese speaker in Colombia reads "San José", not "Saint Joseph"). A policy override's
 * name wins. Null when the date is no holiday.
 */
export function holidayName(
  country: Country,
  localDate: string,
  config: PolicyConfig,
  language: string,
): string | null {
  const answer = isHoliday(country, localDate, config);
  if (!answer.holiday) return null;
  const override = config.holidayOverrides.findLast(
    (o) => o.country === country && o.date === localDate,
  );
  if (override?.name !== undefined || answer.name === undefined) return answer.name ?? null;
  const year = Number(localDate.slice(0, 4));
  const named = namesIn(country, year, language).get(localDate);
  const english = namesIn(country, year, 'en').get(localDate);
  return named && (language === 'en' || named !== english) ? named : answer.name;
}

/** Every holiday's name of a country and year in a language, keyed by local 'YYYY-MM-DD'. */
function namesIn(country: Country, year: number, language: string): ReadonlyMap<string, string> {
  const key = `${country}:${year}:${language}`;
  let byDate = namesByYear.get(key);
  if (!byDate) {
    const hd = holidaysOf(country);
    const map = new Map<string, string>();
    for (const h of hd.getHolidays(year, language)) map.set(h.date.slice(0, 10), h.name);
    byDate = map;
    namesByYear.set(key, byDate);
  }
  return byDate;
}
