// npm run seed: loads the demo customers, equipment, coverage zones and agents.
import { createDomain } from '../domain/domain.ts';
import { seedDemoData } from '../domain/seed/seed.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './database/connect.ts';

const config = await loadConfig();
const database = await openDatabase({ uri: config.mongodbUri, dataDir: config.dataDir });
try {
  const domain = createDomain(database.connection, config.policy, config.clock);
  await domain.init();
  const counts = await seedDemoData(domain);
  process.stdout.write(
    `Seeded ${counts.customers} customers, ${counts.zones} coverage zones and ${counts.agents} agents.\n`,
  );
} finally {
  await database.close();
}
