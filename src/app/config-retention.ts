import { z } from 'zod';
import { whole } from './env-values.ts';
import { DEFAULT_RETENTION, type RetentionSettings } from '../bot/retention/index.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Retention (issue 17): conversation versions live in generations of
 * `ATIENDE_COMPACT_PERIOD_DAYS` (at least one: longer than a process keeps a conversation in
 * memory, and than networks redeliver a message); compaction, every
 * `ATIENDE_COMPACT_EVERY_HOURS` (0: only by `npm run compact`), moves conversations out of past
 * generations and drops those emptied whole; the keys that
 * guard for a while only (effects, channel marks, account codes, ended logs) are kept
 * `ATIENDE_KEYS_KEEP_DAYS` (at least one: longer than a network redelivers a message).
 */
export const RETENTION_ENV = {
  ATIENDE_COMPACT_PERIOD_DAYS: whole(1, 3650, DEFAULT_RETENTION.periodMs / DAY_MS),
  ATIENDE_COMPACT_EVERY_HOURS: whole(0, 24 * 365, DEFAULT_RETENTION.everyMs / HOUR_MS),
  ATIENDE_KEYS_KEEP_DAYS: whole(1, 3650, DEFAULT_RETENTION.keepMs / DAY_MS),
  // Read before generations: refused rather than ignored, so a deployment learns the new name.
  ATIENDE_COMPACT_IDLE_DAYS: z
    .undefined({
      error:
        'was replaced by ATIENDE_COMPACT_PERIOD_DAYS (the days of a generation of conversation ' +
        'versions, dropped whole once moved out): set that one instead',
    })
    .optional(),
};

/** The retention settings from their validated variables. */
export function retentionConfigFrom(e: {
  ATIENDE_COMPACT_PERIOD_DAYS: number;
  ATIENDE_COMPACT_EVERY_HOURS: number;
  ATIENDE_KEYS_KEEP_DAYS: number;
}): RetentionSettings {
  return {
    periodMs: e.ATIENDE_COMPACT_PERIOD_DAYS * DAY_MS,
    everyMs: e.ATIENDE_COMPACT_EVERY_HOURS * HOUR_MS,
    keepMs: e.ATIENDE_KEYS_KEEP_DAYS * DAY_MS,
  };
}
