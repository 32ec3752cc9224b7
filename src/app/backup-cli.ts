// npm run backup [-- --out DIR]: a consistent copy of the embedded database while atiende runs
// (src/app/backup.ts); on MongoDB, use mongodump (README, "Backup and restore").
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backupEmbedded } from './backup.ts';
import { loadConfig } from './config.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const config = await loadConfig();
if (config.mongodbUri) {
  process.stderr.write(
    'MONGODB_URI is set: back MongoDB up with mongodump --uri=... --oplog (README, "Backup and restore").\n',
  );
  process.exit(2);
}
const out = values.out ?? join('backups', new Date().toISOString().replace(/[:.]/g, '-'));
const started = performance.now();
const databases = await backupEmbedded(config.dataDir, out);
process.stdout.write(
  `Backed up ${databases.join(', ')} from ${config.dataDir} to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`,
);
