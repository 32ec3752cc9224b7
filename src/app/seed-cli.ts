// npm run seed: loads the demo customers, equipment, coverage zones and agents.
import { seedDemoData } from '../domain/seed/seed.ts';
import { assembleAtiende } from './assemble.ts';
import { loadConfig } from './config.ts';

const config = await loadConfig();
// Assembled, never started: no scheduler, no channel, nothing served while seeding.
const atiende = await assembleAtiende({
  database: { uri: config.mongodbUri, dataDir: config.dataDir },
  policy: config.policy,
  clock: config.clock,
  channels: [],
});
try {
  const counts = await seedDemoData(atiende.runtime.domain);
  process.stdout.write(
    `Seeded ${counts.customers} customers, ${counts.zones} coverage zones and ${counts.agents} agents.\n`,
  );
} finally {
  await atiende.stop();
}
