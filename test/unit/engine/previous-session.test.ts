import { describe, expect, it } from 'vitest';
import {
  CARRY_IDENTITY_MINUTES,
  CARRY_PROOF_MINUTES,
  previousSession,
} from '../../../src/bot/engine/turn/previous-session.ts';
import { versionOf } from './fixtures.ts';

const END = new Date('2026-03-10T16:20:00.000Z');
const minutesAfter = (m: number) => new Date(END.getTime() + m * 60_000);

const snapshot = (over: Record<string, unknown> = {}, value = 'closedDone') =>
  JSON.stringify({
    value,
    status: 'done',
    context: {
      identified: true,
      customer: { accountNumber: 'MX-1001' },
      contractNumber: 'CT-MX-2024-001',
      contact: { name: 'Laura Méndez', phone: '525555550101', email: 'laura@x.example' },
      language: 'es',
      languageChosen: false,
      proof: { accountNumber: 'MX-1001', by: 'code', at: '2026-03-10T16:05:00.000Z' },
      ...over,
    },
  });

const closed = (snap: string) =>
  versionOf(7, { mode: 'closed', snapshot: snap, createdAt: END }) as Parameters<
    typeof previousSession
  >[0];

describe('the session before, carried into the next (issue 13)', () => {
  it('carries the account, contract and contact of a session that ended done, within its window', () => {
    const p = previousSession(closed(snapshot()), minutesAfter(5));
    expect(p).toMatchObject({
      accountNumber: 'MX-1001',
      contractNumber: 'CT-MX-2024-001',
      contact: { name: 'Laura Méndez' },
    });
    expect(
      previousSession(closed(snapshot()), minutesAfter(CARRY_IDENTITY_MINUTES + 1)),
    ).toBeNull();
  });

  it('issue 12: keeps the proof only while it is younger than its window, counted from the proof itself', () => {
    // The proof was made 15 minutes before the session ended.
    expect(previousSession(closed(snapshot()), minutesAfter(5))?.proof).toMatchObject({
      by: 'code',
      at: '2026-03-10T16:05:00.000Z',
    });
    const late = minutesAfter(CARRY_PROOF_MINUTES - 15 + 1);
    expect(previousSession(closed(snapshot()), late)?.proof).toBeNull();
    expect(previousSession(closed(snapshot()), late)?.accountNumber).toBe('MX-1001');
    const otherAccount = snapshot({
      proof: { accountNumber: 'MX-9', by: 'code', at: END.toISOString() },
    });
    expect(previousSession(closed(otherAccount), minutesAfter(1))?.proof).toBeNull();
  });

  it('carries nothing after a suspension or the chat limit, nor from an unidentified session', () => {
    expect(previousSession(closed(snapshot({}, 'closedSuspended')), minutesAfter(1))).toBeNull();
    expect(previousSession(closed(snapshot({}, 'closedChatLimit')), minutesAfter(1))).toBeNull();
    expect(previousSession(closed(snapshot({ identified: false })), minutesAfter(1))).toBeNull();
    expect(previousSession(closed('not json'), minutesAfter(1))).toBeNull();
    expect(previousSession(null, minutesAfter(1))).toBeNull();
  });
});
