// npm run restore -- DIR [--replace]: puts a backup made by `npm run backup` in place as the
// embedded database of ATIENDE_DATA_DIR, atiende stopped (src/app/backup.ts).
import { parseArgs } from 'node:util';
import { restoreEmbedded } from './backup.ts';
import { loadConfig } from './config.ts';

const { values, positionals } = parseArgs({
  options: { replace: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const from = positionals[0];
if (!from) {
  process.stderr.write('usage: npm run restore -- <backup directory> [--replace]\n');
  process.exit(2);
}
const config = await loadConfig();
if (config.mongodbUri) {
  process.stderr.write(
    'MONGODB_URI is set: restore MongoDB with mongorestore --oplogReplay (README, "Backup and restore").\n',
  );
  process.exit(2);
}
const databases = await restoreEmbedded(from, config.dataDir, { replace: values.replace });
process.stdout.write(`Restored ${databases.join(', ')} from ${from} into ${config.dataDir}.\n`);
