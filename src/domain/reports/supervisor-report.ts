import { DateTime } from 'luxon';
import { ValidationError } from '../errors.ts';
import { SLA_CLOCKS, type SlaClock } from './case-tally.ts';
import type { DailyTally } from './daily-tally.ts';
import { daysBetween } from './tally-read.ts';
import type { Counts, ReportDay } from './tally-documents.ts';

/** The longest period one report covers (a year and a day: leap years included). */
export const MAX_REPORT_DAYS = 366;

/** What a supervisor sees for a period and a country (issue 16). */
export interface SupervisorReport {
  country: string;
  from: ReportDay;
  to: ReportDay;
  cases: {
    opened: number;
    byChannel: Record<string, number>;
    byType: Record<string, number>;
    byCategory: Record<string, number>;
    byPriority: Record<string, number>;
  };
  /** Cases closed in the period, and those the bot solved at first level (R004-3). */
  firstLevel: { closed: number; solvedByBot: number; share: number | null };
  /** Met and missed per SLA clock (R002-5, R003-6), counted when each was decided. */
  sla: Record<SlaClock, { met: number; missed: number }>;
  /** Passed to level 2 (R003-8). */
  escalations: number;
  visits: { scheduled: number; outcomes: Record<string, number> };
  /** R002-8: answers, average score, and answers per case closed in the period. */
  survey: { answered: number; average: number | null; responseRate: number | null };
  /** R001-11. */
  suspensions: number;
  /** Each day of the period: cases opened and closed. */
  days: { day: ReportDay; opened: number; closed: number }[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Validates a period: two dates, in order, at most `MAX_REPORT_DAYS` long. */
export function reportPeriod(from: string, to: string): { from: ReportDay; to: ReportDay } {
  const start = DateTime.fromISO(from, { zone: 'utc' });
  const end = DateTime.fromISO(to, { zone: 'utc' });
  if (!DAY.test(from) || !DAY.test(to) || !start.isValid || !end.isValid)
    throw new ValidationError('a period is two dates, YYYY-MM-DD');
  const days = end.diff(start, 'days').days + 1;
  if (days < 1) throw new ValidationError('the period ends before it starts');
  if (days > MAX_REPORT_DAYS)
    throw new ValidationError(`a period is at most ${MAX_REPORT_DAYS} days`);
  return { from, to };
}

function sum(days: Map<ReportDay, Counts>): Counts {
  const total: Counts = {};
  for (const counts of days.values())
    for (const [k, n] of Object.entries(counts)) total[k] = (total[k] ?? 0) + n;
  return total;
}

/** The counts whose key starts with `prefix`, by the rest of the key. */
function group(total: Counts, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(total))
    if (k.startsWith(prefix) && n !== 0) out[k.slice(prefix.length)] = n;
  return out;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** Builds a report from the summed per-day counts of its days (pure). */
export function buildReport(
  country: string,
  from: ReportDay,
  to: ReportDay,
  days: Map<ReportDay, Counts>,
): SupervisorReport {
  const total = sum(days);
  const n = (key: string) => total[key] ?? 0;
  const closed = n('closed');
  const answered = n('survey:answered');
  return {
    country,
    from,
    to,
    cases: {
      opened: n('opened'),
      byChannel: group(total, 'opened:channel:'),
      byType: group(total, 'opened:type:'),
      byCategory: group(total, 'opened:category:'),
      byPriority: group(total, 'opened:priority:'),
    },
    firstLevel: {
      closed,
      solvedByBot: n('closed:first-level'),
      share: ratio(n('closed:first-level'), closed),
    },
    sla: Object.fromEntries(
      SLA_CLOCKS.map((clock) => [
        clock,
        { met: n(`sla:${clock}:met`), missed: n(`sla:${clock}:missed`) },
      ]),
    ) as SupervisorReport['sla'],
    escalations: n('escalated:L2'),
    visits: { scheduled: n('visits:scheduled'), outcomes: group(total, 'visits:outcome:') },
    survey: {
      answered,
      average: ratio(n('survey:score-sum'), answered),
      responseRate: ratio(answered, closed),
    },
    suspensions: n('suspensions'),
    // Every day of the period, a quiet one as zero.
    days: daysBetween(from, to).map((day) => ({
      day,
      opened: days.get(day)?.opened ?? 0,
      closed: days.get(day)?.closed ?? 0,
    })),
  };
}

/** The supervisor report of a period and country, from the per-day summaries only. */
export async function supervisorReport(
  tally: DailyTally,
  country: string,
  from: string,
  to: string,
): Promise<SupervisorReport> {
  const period = reportPeriod(from, to);
  return buildReport(
    country,
    period.from,
    period.to,
    await tally.read(country, period.from, period.to),
  );
}
