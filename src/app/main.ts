// npm start: runs atiende on its embedded defaults (or on MONGODB_URI).
import { AtiendeError } from '../domain/errors.ts';
import { optionsFromConfig, startAtiende } from './assemble.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

try {
  const config = await loadConfig();
  const logger = createLogger(config.logLevel);
  const atiende = await startAtiende(optionsFromConfig(config, logger));
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await atiende.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof AtiendeError) {
    process.stderr.write(`atiende: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
