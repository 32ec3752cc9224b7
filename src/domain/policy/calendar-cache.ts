import { createBusinessCalendar, type BusinessCalendar } from './calendar.ts';
import type { PolicyConfig } from './config.ts';

const cache = new WeakMap<PolicyConfig, Map<string, BusinessCalendar>>();

/**
 * The business calendar of a country and zone under a policy, built once: calendars are pure,
 * so every case, slot and office-hours question of the same place shares one.
 */
export function calendarFor(
  config: PolicyConfig,
  country: string,
  timeZone?: string,
): BusinessCalendar {
  let byPlace = cache.get(config);
  if (!byPlace) {
    byPlace = new Map();
    cache.set(config, byPlace);
  }
  const key = `${country}|${timeZone ?? ''}`;
  let calendar = byPlace.get(key);
  if (!calendar) {
    calendar = createBusinessCalendar(config, country, timeZone);
    byPlace.set(key, calendar);
  }
  return calendar;
}
