import { afterAll } from 'vitest';
import { startAtiende, type Atiende, type AtiendeOptions } from '../../../src/app/assemble.ts';
import { createLogger } from '../../../src/app/logger.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { openTestConnection } from '../../support/database.ts';

/** An atiende serving HTTP on a free port, its log lines parsed, stopped after the file. */
export interface Served {
  app: Atiende;
  base: string;
  clock: ManualClock;
  /** Every log line so far, parsed. */
  logs: Record<string, unknown>[];
  /** POSTs a JSON body to `/api/chat`. */
  chat(body: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: {
    outcome?: string;
    error?: string;
    retryAfter?: number;
    replies?: { deliveryId: string; inReplyTo: string | null; key: string; text: string }[];
  };
}

/** Starts atiende with the JSON channel, the demo data and a manual clock (Tue 10:00 CDMX). */
export async function serve(options: Partial<AtiendeOptions> = {}): Promise<Served> {
  const connection = await openTestConnection();
  const logs: Record<string, unknown>[] = [];
  const clock = new ManualClock('2026-03-10T16:00:00Z');
  const app = await startAtiende({
    database: { connection },
    policy: DEFAULT_POLICY,
    clock,
    channels: ['http-json'],
    seedDemo: true,
    http: { host: '127.0.0.1', port: 0 },
    logger: createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line)) }),
    ...options,
  });
  afterAll(() => app.stop());
  const base = `http://127.0.0.1:${app.port}`;
  return {
    app,
    base,
    clock,
    logs,
    async chat(body, headers = {}) {
      const res = await fetch(`${base}/api/chat`, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return {
        status: res.status,
        headers: res.headers,
        body: (await res.json()) as Answer['body'],
      };
    },
  };
}
