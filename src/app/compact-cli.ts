// npm run compact [-- --period-days N]: moves the conversations of past generations (periods of
// N days; by default ATIENDE_COMPACT_PERIOD_DAYS, 30) into the current one and drops the
// generations emptied a day ago or more, whole (issue 17); safe while atiende serves. Then the keys
// older than ATIENDE_KEYS_KEEP_DAYS that have done their work are swept.
import { parseArgs } from 'node:util';
import { compactConversations, sweepKeys } from '../bot/retention/index.ts';
import { withOfflineAtiende } from './offline.ts';
import { progressOn } from './progress.ts';

const { values } = parseArgs({ options: { 'period-days': { type: 'string' } } });
const periodDays = values['period-days'] === undefined ? null : Number(values['period-days']);
if (periodDays !== null && !(Number.isInteger(periodDays) && periodDays >= 1)) {
  process.stderr.write('--period-days must be a whole number of days (1 or more)\n');
  process.exit(2);
}

const report = await withOfflineAtiende(async (atiende, config) => {
  const progress = progressOn(process.stderr, 'Compacting conversations');
  const result = await compactConversations(atiende.runtime.stores.versions, {
    now: config.clock.now(),
    periodMs: periodDays === null ? config.retention.periodMs : periodDays * 86_400_000,
    onProgress: ({ done, total }) => progress.update(done, total),
  });
  progress.end();
  const swept = await sweepKeys(atiende.connection.db!, {
    now: config.clock.now(),
    keepMs: config.retention.keepMs,
  });
  return { ...result, swept, keepDays: config.retention.keepMs / 86_400_000 };
});
process.stdout.write(
  `Moved ${report.compacted} of ${report.conversations} conversations to generation ` +
    `${report.generation} (${report.eligible} in older ones, ${report.leftActive} written to ` +
    `meanwhile and left for the next run; ${report.finished} left part-way earlier finished); ` +
    `generations dropped whole: ${report.dropped.join(', ') || 'none'}; ` +
    `${report.versionsDeleted} versions deleted in ${(report.ms / 1000).toFixed(1)} s.\n` +
    `Swept the keys kept ${report.keepDays} days: ` +
    Object.entries(report.swept.deleted)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ') +
    (report.swept.dropped.length > 0 ? `; dropped whole: ${report.swept.dropped.join(', ')}` : '') +
    ` (${(report.swept.ms / 1000).toFixed(1)} s).\n`,
);
