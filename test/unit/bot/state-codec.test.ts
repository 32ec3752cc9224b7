import { deflateRawSync } from 'node:zlib';
import { Binary } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../../src/bot/engine/state-codec.ts';
import type { ConversationState } from '../../../src/bot/engine/state.ts';

describe('stored conversation states', () => {
  const state: ConversationState = {
    _id: 'terminal:ana:3',
    conversationId: 'terminal:ana',
    version: 3,
    answers: 'in:terminal:m3',
    replyTo: 'm3',
    lastSequence: 3,
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
    transcriptKept: 0,
    transcriptDepth: 0,
    handoff: null,
    createdAt: new Date('2026-03-10T16:05:00Z'),
  };

  it('round-trips every field, dates as dates and the snapshot as the same text', async () => {
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

  it('reads versions stored before 2026-11-25 as deflated text', () => {
    const { body, ...plain } = encodeState(state);
    const legacy = { ...plain, body: new Binary(deflateRawSync(Buffer.from(body.buffer))) };
    expect(legacy.body.sub_type).toBe(0);
    expect(decodeState(legacy)).toEqual(state);
  });

  it('keeps a new conversation without a snapshot', async () => {
    expect(decodeState(encodeState({ ...state, snapshot: null })).snapshot).toBeNull();
  });

  it('stores only the lines a turn added after those it shares with the version before', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 2, 10, 16, i)),
      from: 'bot' as const,
      text: `línea ${i} `.repeat(20),
    }));
    const whole = encodeState({ ...state, transcript: lines });
    const split = encodeState({
      ...state,
      transcript: lines,
      transcriptKept: 28,
      transcriptDepth: 3,
    });
    const size = (stored: { body: { buffer: Uint8Array } }) => stored.body.buffer.length;
    expect(size(split)).toBeLessThan(size(whole) / 3);
    const decoded = decodeState(split);
    expect(decoded.transcript).toEqual(lines.slice(28));
    expect(decoded.transcriptKept).toBe(28);
    expect(decoded.transcriptDepth).toBe(3);
  });
});
