/**
 * What the bot tells the supervisor reports' per-day counts (issue 16) besides the case
 * changes `CaseService` counts itself: visits agreed, surveys answered, suspensions. Each is
 * counted once by its own key (`CaseTally`), so a turn run again counts nothing more.
 */
import type { CaseNumber } from '../domain/cases/case.ts';
import type { Domain } from '../domain/domain.ts';
import type { Country } from '../domain/types.ts';

/** R004-3: a visit agreed for a case, on the case's day and country. */
export async function tallyVisitScheduled(
  domain: Domain,
  caseNumber: CaseNumber,
  folioNumber: string,
  at: Date,
): Promise<void> {
  const where = await domain.cases.placeOf(caseNumber);
  if (where) await domain.reports.visitScheduled(where, folioNumber, at);
}

/** R002-8: a survey answered (only the first answer of a case is recorded and counted). */
export async function tallySurvey(
  domain: Domain,
  caseNumber: CaseNumber,
  score: number,
  at: Date,
): Promise<void> {
  const found = await domain.cases.find(caseNumber);
  if (found) await domain.reports.surveyAnswered(found, score, at);
}

/**
 * R001-11: a suspension decided for a person, counted in the country of the account the
 * session proved, or else in the first country of the policy (a person has no country).
 */
export async function tallySuspension(
  domain: Domain,
  key: string,
  accountNumber: string | null,
  at: Date,
): Promise<void> {
  const customer = accountNumber ? await domain.customers.findByAccount(accountNumber) : null;
  const countries = domain.policy.countries as Partial<Record<Country, { timeZone: string }>>;
  const country = customer?.country ?? (Object.keys(countries)[0] as Country | undefined);
  if (!country) return;
  const timeZone = customer?.timeZone ?? countries[country]?.timeZone ?? 'UTC';
  await domain.reports.suspension(key, country, timeZone, at);
}
