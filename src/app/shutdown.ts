/**
 * What `npm start` does on SIGTERM or SIGINT (issue 17): a clean stop, bounded by a deadline;
 * a second signal, or the deadline passed, exits at once. Ctrl-C in a terminal signals the
 * whole process group; the embedded database runs in a group of its own (see
 * `server-process.ts`), so it is stopped by atiende, last, and not by the terminal.
 */
import type { Logger } from './logger.ts';

/** The signals that stop atiende. */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** The exit code of a stop cut short by a second signal or by the deadline. */
export const CUT_SHORT_EXIT_CODE = 1;

/**
 * Installs the signal handlers: the first signal runs `stop` and exits 0 once it is done (1 if
 * it threw); a second signal, or `deadlineMs` without the stop done, exits at once with
 * `CUT_SHORT_EXIT_CODE`. `exit` is `process.exit` (a test gives its own).
 */
export function exitOnSignals(options: {
  stop: () => Promise<void>;
  deadlineMs: number;
  logger: Logger;
  exit?: (code: number) => void;
}): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const { logger } = options;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'stopping: a second signal, exiting at once');
      exit(CUT_SHORT_EXIT_CODE);
      return;
    }
    stopping = true;
    logger.info({ signal, deadlineMs: options.deadlineMs }, 'stopping');
    const started = performance.now();
    const deadline = setTimeout(() => {
      logger.error(
        { deadlineMs: options.deadlineMs },
        'stopping: the deadline passed with the stop unfinished, exiting at once',
      );
      exit(CUT_SHORT_EXIT_CODE);
    }, options.deadlineMs);
    options.stop().then(
      () => {
        clearTimeout(deadline);
        logger.info({ ms: Math.round(performance.now() - started) }, 'stopped');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'stopping failed');
        exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
}
