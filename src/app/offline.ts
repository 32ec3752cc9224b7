import { assembleAtiende, type Atiende } from './assemble.ts';
import { loadConfig, type AppConfig } from './config.ts';

/**
 * Runs `work` on atiende assembled from the configuration and never started (no scheduler, no
 * channel, nothing served), then stops it: for the command-line tools (`npm run seed`,
 * `npm run agent`, `npm run compact`), given the configuration too.
 */
export async function withOfflineAtiende<T>(
  work: (atiende: Atiende, config: AppConfig) => Promise<T>,
): Promise<T> {
  const config = await loadConfig();
  const atiende = await assembleAtiende({
    database: { uri: config.mongodbUri, dataDir: config.dataDir },
    policy: config.policy,
    clock: config.clock,
    channels: [],
  });
  try {
    return await work(atiende, config);
  } finally {
    await atiende.stop();
  }
}
