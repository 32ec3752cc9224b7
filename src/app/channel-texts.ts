import type { Translator } from '../bot/i18n.ts';
import { calendarFor, officeHoursNow, type PolicyConfig } from '../domain/policy/index.ts';
import { isCountry, type Language } from '../domain/types.ts';

/** How far off people are back, as the `officeHours.when.*` texts say it. */
function whenKind(inDays: number): string {
  if (inDays <= 0) return 'today';
  if (inDays === 1) return 'tomorrow';
  return inDays < 7 ? 'thisWeek' : 'later';
}

/**
 * R003-2 for a page a channel serves: whether people of the team answer now in `country`, and,
 * when not, the text `key` saying why and when they will, with the params the bot's
 * `officeHours.*` texts take.
 */
export function officeHoursText(
  translator: Translator,
  policy: PolicyConfig,
  key: string,
  country: string,
  language: Language,
  at: Date,
): { open: boolean; notice: string | null } {
  const place = isCountry(country) ? country : 'MX';
  const timeZone = policy.countries[place]?.timeZone;
  const calendar = calendarFor(policy, place, timeZone);
  const hours = officeHoursNow(calendar, policy, at, language);
  if (hours.open) {
    // R003-3: extended hours are announced on the page too.
    if (hours.announcement?.kind !== 'extension') return { open: true, notice: null };
    const extended = translator.render(
      {
        key: 'bot:officeHours.extended',
        params: {
          until: hours.announcement.until,
          note: hours.announcement.note,
          ...(timeZone ? { timeZone } : {}),
        },
      },
      language,
    ).text;
    return { open: true, notice: extended };
  }
  const notice = translator.render(
    {
      key,
      params: {
        reason: hours.closedBecause ?? 'outsideHours',
        holiday: hours.holiday ?? '',
        today: hours.weekday,
        whenKind: whenKind(hours.nextOpen.inDays),
        weekday: hours.nextOpen.weekday,
        time: hours.nextOpen.time,
        nextOpenAt: hours.nextOpenAt,
        note: hours.announcement?.note ?? '',
        ...(timeZone ? { timeZone } : {}),
      },
    },
    language,
  ).text;
  return { open: false, notice };
}
