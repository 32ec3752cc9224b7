// npm start: runs atiende on its embedded defaults (or on MONGODB_URI); `npm run start:prod`
// runs the same, compiled (dist/app/main.js).
import { AtiendeError } from '../domain/errors.ts';
import { optionsFromConfig, startAtiende } from './assemble.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { redactText } from './redact.ts';
import { exitOnSignals } from './shutdown.ts';

try {
  const config = await loadConfig();
  const logger = createLogger(config.logLevel);
  const atiende = await startAtiende(optionsFromConfig(config, logger));
  exitOnSignals({ stop: () => atiende.stop(), deadlineMs: config.shutdownTimeoutMs, logger });
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
