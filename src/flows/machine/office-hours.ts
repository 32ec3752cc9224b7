/**
 * R003-2 on every path that involves a person: the office hours asked of the `officeHours`
 * service and told the way a person would — "hoy es festivo (Día de la Independencia)",
 * "hoy es sábado", "te responderán el lunes a las 7:00" — through the `officeHours.*` replies.
 */
import type { PolicyConfig } from '../../domain/policy/index.ts';
import type { ConversationContext } from '../context.ts';
import type { OfficeHoursView } from '../contract.ts';
import type { StateConfig } from './builders.ts';
import { countryOf, timeZoneOf, type Params } from './facts.ts';

type Ctx = ConversationContext;

/** The `officeHours` input: the customer's country and zone, `at` (the latest event's instant). */
export function officeHoursInput(context: Ctx, policy: PolicyConfig, at = context.lastAt) {
  return {
    country: countryOf(context),
    timeZone: timeZoneOf(context, policy),
    at,
    language: context.language,
  };
}

/** How far off people are back, as the `officeHours.when.*` replies say it. */
function whenKind(view: OfficeHoursView): string {
  const days = view.nextOpen?.inDays;
  if (days === undefined) return 'later';
  if (days <= 0) return 'today';
  if (days === 1) return 'tomorrow';
  return days < 7 ? 'thisWeek' : 'later';
}

/**
 * The parameters of a reply that tells closed office hours: why (`reason`, the `holiday`'s
 * name, `today`'s weekday) and when people are back (`whenKind`, `weekday`, `time`, or the
 * instant `nextOpenAt` for a service that does not say more).
 */
export function hoursParams(view: OfficeHoursView, context: Ctx, policy: PolicyConfig): Params {
  return {
    reason: view.closedBecause ?? 'outsideHours',
    holiday: view.holiday ?? '',
    today: view.weekday ?? 1,
    whenKind: whenKind(view),
    weekday: view.nextOpen?.weekday ?? 1,
    time: view.nextOpen?.time ?? '',
    nextOpenAt: view.nextOpenAt,
    timeZone: timeZoneOf(context, policy),
    // R003-3 / R003-4: what an announcement in force says, and until when.
    ...(view.announcement ? { note: view.announcement.note, until: view.announcement.until } : {}),
  };
}

/** Say `key` with the office hours of the service's output (an `onDone` action). */
export function sayHours(key: string, policy: PolicyConfig, more: (c: Ctx) => Params = () => ({})) {
  return {
    type: 'say' as const,
    params: ({ context, event }: { context: Ctx; event: { output: OfficeHoursView } }) => ({
      key,
      params: { ...hoursParams(event.output, context, policy), ...more(context) },
    }),
  };
}

/**
 * A step that tells the customer, when the office is closed, that nobody answers now and when
 * someone will (R003-2), then goes on to `next` — open, closed or the service failing.
 */
export function tellingOfficeHours(policy: PolicyConfig, next: string, key = 'officeHours.notice') {
  return {
    invoke: {
      src: 'officeHours',
      input: ({ context }: { context: Ctx }) => officeHoursInput(context, policy),
      onDone: [
        {
          guard: {
            type: 'isOfficeClosed',
            params: ({ event }: { event: { output: OfficeHoursView } }) => event.output,
          },
          target: next,
          actions: sayHours(key, policy),
        },
        {
          // R003-3: open because of announced extended hours: the customer is told until when.
          guard: {
            type: 'isExtendedHours',
            params: ({ event }: { event: { output: OfficeHoursView } }) => event.output,
          },
          target: next,
          actions: sayHours('officeHours.extended', policy),
        },
        { target: next },
      ],
      onError: next,
    },
  } satisfies StateConfig;
}
