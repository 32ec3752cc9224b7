import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { LOG_REDACT_PATHS, REDACTED, redactText } from './redact.ts';

/**
 * Structured logs (pino: JSON lines, fast, the Node.js standard) to stderr, or to `destination`.
 * No secret reaches them: credential headers and configuration secrets are blanked by path,
 * and URI passwords are cut from messages and errors (a driver's error may quote its URI).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'atiende' },
      redact: { paths: LOG_REDACT_PATHS, censor: REDACTED },
      serializers: { err: (error: Error) => redactError(stdSerializers.err(error)) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as typeof args,
          );
        },
      },
    },
    destination ?? pino.destination(2),
  );
}

/**
 * A serialized error with its strings (message, stack, causes, a driver's fields) redacted, to
 * a few levels deep: plain objects and arrays only, the rest (a driver's topology) as it is.
 */
function redactError<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (depth > 4 || !value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((inner) => redactError(inner, depth + 1)) as T;
  // Plain objects and pino's serialized errors; a Map or a class instance is left whole.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== null && (prototype as object).constructor !== Object) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, redactError(inner, depth + 1)]),
  ) as T;
}

export type { Logger };
