import type { Translator } from '../bot/i18n.ts';
import type { ChannelTexts } from '../channels/channel-adapter.ts';
import { calendarFor, officeHoursNow, type PolicyConfig } from '../domain/policy/index.ts';
import { isCountry, isLanguage, type Language } from '../domain/types.ts';

/** How far off people are back, as the `officeHours.when.*` texts say it. */
function whenKind(inDays: number): string {
  if (inDays <= 0) return 'today';
  if (inDays === 1) return 'tomorrow';
  return inDays < 7 ? 'thisWeek' : 'later';
}

/**
 * The words channels show outside a conversation (a web page), from the locales: the language
 * of a hint, a text, and the office hours of a country (R003-2) told as the bot tells them.
 */
export function channelTexts(translator: Translator, policy: PolicyConfig): ChannelTexts {
  return {
    language(hint) {
      const code = hint?.slice(0, 2).toLowerCase();
      return isLanguage(code) ? code : policy.language.default;
    },
    text(key, language: Language, params = {}) {
      return translator.text(key, params, language);
    },
    officeHours(key, country, language, at) {
      const place = isCountry(country) ? country : 'MX';
      const timeZone = policy.countries[place]?.timeZone;
      const calendar = calendarFor(policy, place, timeZone);
      const hours = officeHoursNow(calendar, policy, at, language);
      if (hours.open) return { open: true, notice: null };
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
            ...(timeZone ? { timeZone } : {}),
          },
        },
        language,
      ).text;
      return { open: false, notice };
    },
  };
}
