import { pino, type Logger } from 'pino';

/** Structured logs (pino: JSON lines, fast, the Node.js standard) to stderr. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'atiende' } }, pino.destination(2));
}
export type { Logger };
