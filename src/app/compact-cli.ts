// npm run compact [-- --idle-days N]: compacts the conversations idle that long (issue 17),
// safe while atiende serves traffic; by default ATIENDE_COMPACT_IDLE_DAYS (30). Then the keys
// older than ATIENDE_KEYS_KEEP_DAYS that have done their work are swept.
import { parseArgs } from 'node:util';
import { compactConversations, sweepKeys } from '../bot/retention/index.ts';
import { withOfflineAtiende } from './offline.ts';
import { progressOn } from './progress.ts';

const { values } = parseArgs({ options: { 'idle-days': { type: 'string' } } });
const idleDays = values['idle-days'] === undefined ? null : Number(values['idle-days']);
if (idleDays !== null && !(Number.isFinite(idleDays) && idleDays >= 0)) {
  process.stderr.write('--idle-days must be a number of days (0 or more)\n');
  process.exit(2);
}

const report = await withOfflineAtiende(async (atiende, config) => {
  const progress = progressOn(process.stderr, 'Compacting conversations');
  const result = await compactConversations(atiende.runtime.stores.versions, {
    now: config.clock.now(),
    idleMs: idleDays === null ? config.retention.idleMs : idleDays * 86_400_000,
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
  `Compacted ${report.compacted} of ${report.conversations} conversations ` +
    `(${report.eligible} idle, ${report.leftActive} written to meanwhile and left whole; ` +
    `${report.finished} left part-way by an earlier run finished); ` +
    `${report.versionsDeleted} versions deleted in ${(report.ms / 1000).toFixed(1)} s.\n` +
    `Swept the keys kept ${report.keepDays} days: ` +
    Object.entries(report.swept.deleted)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ') +
    (report.swept.dropped.length > 0 ? `; dropped whole: ${report.swept.dropped.join(', ')}` : '') +
    ` (${(report.swept.ms / 1000).toFixed(1)} s).\n`,
);
