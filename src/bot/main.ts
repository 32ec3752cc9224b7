// npm start: runs atiende on its embedded defaults (or on MONGODB_URI).
import { startApp } from './app.ts';
import { loadConfig } from './config.ts';
import { AtiendeError } from '../domain/errors.ts';

try {
  const config = await loadConfig();
  const app = await startApp(config);
  const stop = async (signal: string) => {
    app.logger.info({ signal }, 'stopping');
    await app.stop();
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
