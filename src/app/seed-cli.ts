// npm run seed: loads the demo customers, equipment, coverage zones and agents.
import { seedDemoData } from '../domain/seed/seed.ts';
import { withOfflineAtiende } from './offline.ts';

const counts = await withOfflineAtiende((atiende) => seedDemoData(atiende.runtime.domain));
process.stdout.write(
  `Seeded ${counts.customers} customers, ${counts.zones} coverage zones and ${counts.agents} agents.\n`,
);
