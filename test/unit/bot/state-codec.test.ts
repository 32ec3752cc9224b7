import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../../src/bot/engine/state-codec.ts';
import type { ConversationState } from '../../../src/bot/engine/state.ts';

describe('stored conversation states', () => {
  const state: ConversationState = {
    _id: 'terminal:ana:3',
    conversationId: 'terminal:ana',
    version: 3,
    answers: 'in:terminal:m3',
    recent: ['in:terminal:m1', 'in:terminal:m2', 'in:terminal:m3'],
    channel: 'terminal',
    channelUserId: 'ana',
    mode: 'bot',
    language: 'es',
    accountNumber: 'MX-1001',
    session: 1,
    sessionStartedAt: new Date('2026-03-10T16:00:00Z'),
    snapshot: JSON.stringify({
      value: { a: 'b' },
      context: { text: 'línea\ncon "comillas"' },
      historyValue: { 'bot.x.hist': [] },
    }),
    flowInput: { conversationId: 'terminal:ana', startedAt: '2026-03-10T16:00:00.000Z' },
    deadlines: [
      {
        id: 'terminal:ana:s1:chatLimit',
        kind: 'chatLimit',
        dueAt: new Date('2026-03-10T16:20:00Z'),
      },
    ],
    outbox: [
      {
        key: 'case.opened',
        params: { caseNumber: 'AT-2026-000001', openedAt: '2026-03-10T16:05:00.000Z' },
      },
    ],
    pendingOutbox: true,
    transcript: [
      { at: new Date('2026-03-10T16:01:00Z'), from: 'customer', text: 'hola\n<script>' },
    ],
    handoff: null,
    createdAt: new Date('2026-03-10T16:05:00Z'),
  };

  it('round-trips every field, dates as dates and the snapshot as the same text', () => {
    const stored = encodeState(state);
    expect(Object.keys(stored).sort()).toEqual([
      '_id',
      'answers',
      'body',
      'conversationId',
      'createdAt',
      'mode',
      'pendingOutbox',
      'version',
    ]);
    expect(decodeState(stored)).toEqual(state);
  });

  it('keeps a new conversation without a snapshot', () => {
    expect(decodeState(encodeState({ ...state, snapshot: null })).snapshot).toBeNull();
  });
});
