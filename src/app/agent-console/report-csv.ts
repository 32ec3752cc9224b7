import type { SupervisorReport } from '../../domain/reports/index.ts';

/**
 * A cell as a spreadsheet may read it: one that starts with `=`, `+`, `-`, `@` (or a tab or a
 * carriage return) is a formula to Excel, LibreOffice and Sheets, so it gets a leading `'`
 * (OWASP "CSV injection"); a cell with a comma, quote or line break is quoted.
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The report as CSV rows `section,item,value`, with the period and country first. */
export function reportCsv(report: SupervisorReport): string {
  const rows: (string | number | null)[][] = [
    ['section', 'item', 'value'],
    ['period', 'country', report.country],
    ['period', 'from', report.from],
    ['period', 'to', report.to],
    ['cases', 'opened', report.cases.opened],
  ];
  const add = (section: string, values: Record<string, number>) => {
    for (const [item, n] of Object.entries(values).sort(([a], [b]) => a.localeCompare(b)))
      rows.push([section, item, n]);
  };
  add('channel', report.cases.byChannel);
  add('type', report.cases.byType);
  add('category', report.cases.byCategory);
  add('priority', report.cases.byPriority);
  rows.push(
    ['first-level', 'closed', report.firstLevel.closed],
    ['first-level', 'solved-by-bot', report.firstLevel.solvedByBot],
    ['first-level', 'share', report.firstLevel.share],
  );
  for (const [clock, { met, missed }] of Object.entries(report.sla))
    rows.push([`sla-${clock}`, 'met', met], [`sla-${clock}`, 'missed', missed]);
  rows.push(['escalations', 'level-2', report.escalations]);
  rows.push(['visits', 'scheduled', report.visits.scheduled]);
  add('visit-outcome', report.visits.outcomes);
  rows.push(
    ['survey', 'answered', report.survey.answered],
    ['survey', 'average', report.survey.average],
    ['survey', 'response-rate', report.survey.responseRate],
    ['suspensions', 'count', report.suspensions],
  );
  for (const day of report.days)
    rows.push(['day-opened', day.day, day.opened], ['day-closed', day.day, day.closed]);
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
