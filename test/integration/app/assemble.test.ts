import { describe, expect, it } from 'vitest';
import { assembleAtiende } from '../../../src/app/assemble.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { ConfigurationError } from '../../../src/domain/errors.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { openTestConnection } from '../../support/database.ts';

describe('assembleAtiende: the one place a running atiende is put together', async () => {
  const connection = await openTestConnection();
  const base = {
    database: { connection },
    policy: DEFAULT_POLICY,
    clock: new ManualClock('2026-03-10T16:00:00Z'),
  };

  it('refuses two channels for one network', async () => {
    const error = await assembleAtiende({ ...base, channels: ['terminal', 'terminal'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
  });

  it('hands out only the channels it enabled, and times every turn they hand in', async () => {
    const atiende = await assembleAtiende({ ...base, channels: ['terminal'], seedDemo: true });
    try {
      expect(() => atiende.channel('http-json')).toThrow(ConfigurationError);
      expect(atiende.http).toBeNull();
      const terminal = atiende.channel('terminal');
      const outcome = await terminal.receive(
        terminal.inbound('ana', '1', 'Hola, mi cuenta es MX-1001'),
      );
      expect(outcome).toBe('answered');
      expect(terminal.to('ana').map((m) => m.reply.key)).toContain('identification.askIsPrimary');
      const text = await atiende.metrics.metrics();
      expect(text).toMatch(
        /^atiende_turn_duration_seconds_count\{channel="terminal",outcome="answered"\} 1$/m,
      );
      expect(text).toMatch(/^atiende_turns_answered_total 1$/m);
    } finally {
      await atiende.stop();
    }
    // The connection was given: it stays open for its owner.
    expect(connection.readyState).toBe(1);
  });
});
