/**
 * Issue 16: the survey's answer links in a mail (R002-8). A link names its case and carries an
 * HMAC of it under a secret of the deployment, so that only the mail's recipient can answer a
 * case's survey, and no one can answer another case's by changing the number. Answers count once
 * per case whichever way they come (the survey's unique key, decision 0).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CaseNumber } from '../../domain/cases/case.ts';
import type { SurveyLinks } from './case-notices.ts';

/** The survey's scores, 1 (not at all satisfied) to 5 (very satisfied). */
export const SURVEY_SCORES = [1, 2, 3, 4, 5] as const;

const signature = (secret: string, caseNumber: string) =>
  createHmac('sha256', secret).update(`survey:${caseNumber}`).digest('base64url');

/** The token of a case's survey: `<case number>.<signature>`. */
export function surveyToken(secret: string, caseNumber: string): string {
  return `${caseNumber}.${signature(secret, caseNumber)}`;
}

/** The case a survey token is for, or null when it is not one this secret signed. */
export function caseOfSurveyToken(secret: string, token: string): CaseNumber | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const caseNumber = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(signature(secret, caseNumber));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return caseNumber as CaseNumber;
}

/** The answer links of a case's survey mail, on the public address `base` (`https://…`). */
export function surveyLinks(base: string, secret: string): SurveyLinks {
  const root = base.replace(/\/+$/, '');
  return (caseNumber) =>
    SURVEY_SCORES.map((score) => ({
      score,
      href: `${root}/survey/${encodeURIComponent(surveyToken(secret, caseNumber))}?score=${score}`,
    }));
}
