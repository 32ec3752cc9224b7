import { readFile } from 'node:fs/promises';
import type { Agent } from '../agents/agent.ts';
import type { CoverageZone } from '../coverage/coverage.ts';
import type { Customer } from '../customers/customer.ts';
import type { Domain } from '../domain.ts';

interface DemoData {
  customers: Omit<Customer, 'abuseWarnings' | 'suspendedUntil' | 'suspendedPermanently'>[];
  coverageZones: CoverageZone[];
  agents: Agent[];
}

/** Loads the demo data set: customers, equipment, coverage zones and agents in MX, CO and VE. */
export async function loadDemoData(): Promise<DemoData> {
  const text = await readFile(new URL('./demo-data.json', import.meta.url), 'utf8');
  return JSON.parse(text) as DemoData;
}

/** Writes the demo data (idempotent: running it twice leaves the same records). */
export async function seedDemoData(
  domain: Domain,
): Promise<{ customers: number; zones: number; agents: number }> {
  const data = await loadDemoData();
  for (const customer of data.customers) {
    await domain.customers.save({
      ...customer,
      abuseWarnings: 0,
      suspendedUntil: null,
      suspendedPermanently: false,
    });
  }
  for (const zone of data.coverageZones) await domain.coverage.save(zone);
  for (const agent of data.agents) await domain.agents.save(agent);
  return {
    customers: data.customers.length,
    zones: data.coverageZones.length,
    agents: data.agents.length,
  };
}
