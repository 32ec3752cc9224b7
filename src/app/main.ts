// npm start: runs atiende on its embedded defaults (or on MONGODB_URI).
import { AtiendeError } from '../domain/errors.ts';
import { optionsFromConfig, startAtiende } from './assemble.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { redactText } from './redact.ts';

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
  // Whatever failed (a bad MONGODB_URI, a database that does not answer), its message may
  // quote a URI: told without the password. Our own errors need no stack.
  const told =
    error instanceof AtiendeError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`atiende: ${redactText(told)}\n`);
  process.exit(1);
}
