/**
 * The case notifications of issue 16, rendered: subject, text and HTML in the customer's
 * language from `locales/<lang>/mail.json` (and the visit duties of `bot.json`, the same words
 * the chat says). Every mail cites its case number; everything a customer or agent wrote
 * (names, the subject, a resolution) is escaped in the HTML. Each mail's id is derived from the
 * event it tells (`case:<number>:opened`), so the outbox queues it once however often the turn
 * that decides it runs.
 */
import type { MailKind, OutgoingMail } from '../../domain/mail/index.ts';
import type { Language } from '../../domain/types.ts';
import type { Reply } from '../../flows/contract.ts';
import type { Translator } from '../i18n.ts';

/** Who a case mail goes to and how its instants are written. */
export interface CaseMailTo {
  caseNumber: string;
  to: string;
  name: string;
  language: Language;
  timeZone: string;
  /** When the turn that decided it ran (business clock). */
  at: Date;
}

/** The visit a confirmation or reminder is about (R000-3: who receives the technician). */
export interface VisitFacts {
  folioNumber: string;
  start: Date;
  end: Date;
  attendant: string;
}

/** A link in a mail (the survey's answers): its label's key and the address. */
interface MailLink {
  reply: Reply;
  href: string;
}

/** What each case mail says, by kind. */
export type CaseMailContent =
  | { kind: 'case-opened'; subject: string; openedAt: Date; firstContactDue: Date }
  | {
      kind: 'case-closed';
      closedAt: Date;
      attentionMinutes: number;
      resolutionMinutes: number;
      resolution: string | null;
    }
  | { kind: 'case-auto-closed'; waitingSince: Date }
  | { kind: 'visit-confirmed'; visit: VisitFacts }
  | { kind: 'visit-reminder'; visit: VisitFacts }
  | { kind: 'case-survey'; answerLinks: { score: number; href: string }[] };

/**
 * What a turn queues (issue 17): a case mail's facts, but for the survey's answer links, which
 * the sender builds when it renders the mail.
 */
export type CaseMailIntent =
  Exclude<CaseMailContent, { kind: 'case-survey' }> | { kind: 'case-survey' };

/** Past this instant a case mail is useless (a reminder of a visit already begun). */
export function caseMailExpiry(content: CaseMailIntent): Date | null {
  return content.kind === 'visit-reminder' ? content.visit.start : null;
}

/** The policy figures the visit duties name (R000-5 notice, R000-10 tolerance). */
export interface VisitTerms {
  noticeHours: number;
  toleranceMinutes: number;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The outbox id of a case mail: one per case event (a visit's per folio and slot). */
export function caseMailId(caseNumber: string, content: CaseMailIntent): string {
  switch (content.kind) {
    case 'case-opened':
      return `case:${caseNumber}:opened`;
    case 'case-closed':
      return `case:${caseNumber}:closed`;
    case 'case-auto-closed':
      return `case:${caseNumber}:auto-closed`;
    case 'case-survey':
      return `case:${caseNumber}:survey`;
    case 'visit-confirmed':
    case 'visit-reminder':
      // A moved visit is a new slot: confirmed and reminded anew.
      return `case:${caseNumber}:${content.kind}:${content.visit.folioNumber}:${content.visit.start.toISOString()}`;
  }
}

/** A duration in days, hours and minutes, as the locale writes it (R002-7's times). */
function duration(minutes: number): Reply {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return { key: 'mail:duration.days', params: { days, hours, minutes: rest } };
  if (hours > 0) return { key: 'mail:duration.hours', params: { hours, minutes: rest } };
  return { key: 'mail:duration.minutes', params: { minutes: rest } };
}

/** The paragraphs of a mail, as replies (keys and params), and its links. */
function paragraphs(
  content: CaseMailContent,
  base: Record<string, string | number>,
  terms: VisitTerms,
  render: (reply: Reply) => string,
): { subject: Reply; body: Reply[]; links: MailLink[] } {
  const iso = (d: Date) => d.toISOString();
  const visitParams = (v: VisitFacts) => ({
    ...base,
    folioNumber: v.folioNumber,
    start: iso(v.start),
    end: iso(v.end),
    attendant: v.attendant,
  });
  const duties: Reply[] = [
    { key: 'bot:visit.preparationSteps' }, // R000-11
    { key: 'bot:visit.dutiesDocuments', params: { noticeHours: terms.noticeHours } }, // R000-5
    { key: 'bot:visit.manufacturerRequirements' }, // R000-13
    { key: 'bot:visit.tolerance', params: { minutes: terms.toleranceMinutes } }, // R000-10
  ];
  switch (content.kind) {
    case 'case-opened':
      return {
        subject: { key: 'mail:caseOpened.subject', params: base },
        body: [
          {
            key: 'mail:caseOpened.body',
            params: { ...base, openedAt: iso(content.openedAt), subject: content.subject },
          },
          {
            key: 'mail:caseOpened.firstContact',
            params: { ...base, firstContactDue: iso(content.firstContactDue) },
          },
        ],
        links: [],
      };
    case 'case-closed':
      return {
        subject: { key: 'mail:caseClosed.subject', params: base },
        body: [
          { key: 'mail:caseClosed.body', params: { ...base, closedAt: iso(content.closedAt) } },
          ...(content.resolution
            ? [{ key: 'mail:caseClosed.resolution', params: { resolution: content.resolution } }]
            : []),
          {
            key: 'mail:caseClosed.times',
            params: {
              attention: render(duration(content.attentionMinutes)),
              resolution: render(duration(content.resolutionMinutes)),
            },
          },
          { key: 'mail:caseClosed.confirm', params: base }, // R000-12
        ],
        links: [],
      };
    case 'case-auto-closed':
      return {
        subject: { key: 'mail:caseAutoClosed.subject', params: base },
        body: [
          {
            key: 'mail:caseAutoClosed.body',
            params: { ...base, waitingSince: iso(content.waitingSince) },
          },
          { key: 'mail:caseAutoClosed.reopen', params: base },
        ],
        links: [],
      };
    case 'visit-confirmed':
      return {
        subject: { key: 'mail:visitConfirmed.subject', params: visitParams(content.visit) },
        body: [{ key: 'bot:visit.folioConfirmed', params: visitParams(content.visit) }, ...duties],
        links: [],
      };
    case 'visit-reminder':
      return {
        subject: { key: 'mail:visitReminder.subject', params: visitParams(content.visit) },
        body: [{ key: 'mail:visitReminder.body', params: visitParams(content.visit) }, ...duties],
        links: [],
      };
    case 'case-survey':
      return {
        subject: { key: 'mail:caseSurvey.subject', params: base },
        body: [
          { key: 'mail:caseSurvey.body', params: base },
          {
            key: content.answerLinks.length ? 'mail:caseSurvey.byLink' : 'mail:caseSurvey.inChat',
            params: base,
          },
        ],
        links: content.answerLinks.map((l) => ({
          reply: { key: 'mail:caseSurvey.score', params: { score: l.score } },
          href: l.href,
        })),
      };
  }
}

/** One case mail, rendered, with its event-derived outbox id. */
export function caseMail(
  translator: Pick<Translator, 'render'>,
  to: CaseMailTo,
  content: CaseMailContent,
  terms: VisitTerms,
): OutgoingMail {
  const render = (reply: Reply) => translator.render(reply, to.language).text;
  const base = { caseNumber: to.caseNumber, name: to.name, timeZone: to.timeZone };
  const { subject, body, links } = paragraphs(content, base, terms, render);
  const greeting = render({ key: 'mail:greeting', params: { name: to.name } });
  const footer = render({ key: 'mail:footer', params: base });
  const lines = [greeting, ...body.map(render)];
  const linkLines = links.map((l) => `${render(l.reply)}: ${l.href}`);
  const text = [...lines, ...(linkLines.length ? [linkLines.join('\n')] : []), footer];
  const html = [
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    ...(links.length
      ? [
          `<p>${links
            .map((l) => `<a href="${escapeHtml(l.href)}">${escapeHtml(render(l.reply))}</a>`)
            .join(' &nbsp; ')}</p>`,
        ]
      : []),
    `<p style="color:#666">${escapeHtml(footer)}</p>`,
  ];
  return {
    id: caseMailId(to.caseNumber, content),
    kind: content.kind satisfies MailKind,
    to: to.to,
    language: to.language,
    subject: render(subject),
    text: `${text.join('\n\n')}\n`,
    html: html.join('\n'),
    createdAt: to.at,
    expiresAt: caseMailExpiry(content),
  };
}
