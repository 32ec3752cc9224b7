import { deflateRawSync } from 'node:zlib';
import { BSON, Binary } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { sessionFieldsText } from '../../../src/bot/engine/session-fields.ts';
import {
  decodeStored,
  encodeState,
  joinState,
  type StoredState,
} from '../../../src/bot/engine/state-codec.ts';
import { TRANSCRIPT_PAGE_VERSIONS, type ConversationState } from '../../../src/bot/engine/state.ts';
import { legacyStateDocument } from '../../support/legacy-state.ts';

const line = (minute: number, text: string, from: 'customer' | 'bot' = 'customer') => ({
  at: new Date(Date.UTC(2026, 2, 10, 16, minute)),
  from,
  text,
});

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
    transcript: [line(1, 'hola\n<script>')],
    transcriptKept: 0,
    transcriptDepth: 0,
    handoff: null,
    createdAt: new Date('2026-03-10T16:05:00Z'),
  };
  /** A document decoded and joined with nothing before it: a version that stands alone. */
  const alone = (stored: StoredState) => {
    const doc = decodeStored(stored);
    const parts = {
      snapshotAt: doc.snapshotAt,
      snapshot: doc.snapshot!.snapshot,
      fieldsAt: doc.fieldsAt,
      fields: doc.fields!.fields,
      fieldsText: doc.fields!.text,
    };
    return joinState(doc, parts, doc.lines, doc.recent!, doc.lines.length);
  };

  it('round-trips a version that stands alone: every field, dates as dates, the snapshot as the same text', () => {
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
    const { stored: position, ...decoded } = alone(stored);
    expect(decoded).toEqual(state);
    expect(position).toEqual({
      snapshotAt: 3,
      fieldsAt: 3,
      fields: sessionFieldsText(state),
      pageLines: 1,
    });
  });

  it('keeps a new conversation without a snapshot', () => {
    expect(alone(encodeState({ ...state, snapshot: null })).snapshot).toBeNull();
  });

  it('stores only the lines a turn added, and refers to the snapshot and fields it did not change', () => {
    const lines = Array.from({ length: 30 }, (_, i) => line(i, `línea ${i} `.repeat(20)));
    const whole = encodeState({ ...state, transcript: lines });
    const placed: ConversationState = {
      ...state,
      transcript: lines,
      transcriptKept: 28,
      transcriptDepth: 3,
      stored: { snapshotAt: 1, fieldsAt: 2, fields: sessionFieldsText(state), pageLines: 9 },
    };
    const split = encodeState(placed);
    expect(BSON.calculateObjectSize(split)).toBeLessThan(BSON.calculateObjectSize(whole) / 6);
    expect(Buffer.from(split.body.buffer).toString('utf8')).not.toContain('bot.x.hist');
    const decoded = decodeStored(split);
    expect(decoded.lines).toEqual(lines.slice(28));
    expect(decoded.transcriptKept).toBe(28);
    expect(decoded.transcriptDepth).toBe(3);
    expect(decoded).toMatchObject({ snapshot: null, snapshotAt: 1, fields: null, fieldsAt: 2 });
    expect(decoded.page).toBeNull();
    expect(decoded.recent).toBeNull();
    expect(decoded.answered).toBeNull();
  });

  it('stores a page and the inputs its versions answered every TRANSCRIPT_PAGE_VERSIONS versions', () => {
    const lines = Array.from({ length: 30 }, (_, i) => line(i, `línea ${i}`));
    const recent = Array.from({ length: 20 }, (_, i) => `in:terminal:m${i + 1}`);
    const decoded = decodeStored(
      encodeState({
        ...state,
        version: TRANSCRIPT_PAGE_VERSIONS,
        recent,
        transcript: lines,
        transcriptKept: 28,
        transcriptDepth: 20,
        stored: { snapshotAt: 1, fieldsAt: 1, fields: sessionFieldsText(state), pageLines: 12 },
      }),
    );
    expect(decoded.lines).toEqual(lines.slice(28));
    expect(decoded.page).toEqual(lines.slice(18));
    expect(decoded.answered).toEqual(recent.slice(-TRANSCRIPT_PAGE_VERSIONS));
    expect(decoded.recent).toBeNull();
  });

  describe('documents stored before 2026-11-28', () => {
    /** A document as that code wrote it (its body's text, verbatim). */
    const written: StoredState = {
      _id: 'terminal:ana:3',
      conversationId: 'terminal:ana',
      version: 3,
      answers: 'in:terminal:ana:m3',
      mode: 'queued',
      pendingOutbox: true,
      createdAt: new Date('2026-03-10T16:05:00Z'),
      body: new Binary(
        Buffer.from(
          '{"status":"active","value":{"a":"b"},"context":{"text":"línea\\ncon \\"comillas\\""},"historyValue":{"bot.x.hist":[]}}\n' +
            '{"recent":["in:terminal:m1","in:terminal:ana:m2","in:terminal:ana:m3"],"replyTo":"m3","channel":"terminal","channelUserId":"ana","language":"es","accountNumber":"MX-1001","session":1,"sessionStartedAt":"2026-03-10T16:00:00.000Z","flowInput":{"conversationId":"terminal:ana","startedAt":"2026-03-10T16:00:00.000Z"},"deadlines":[{"id":"terminal:ana:s1:chatLimit","kind":"chatLimit","dueAt":"2026-03-10T16:20:00.000Z"}],"outbox":[{"key":"handoff.stillQueued"}],"transcript":[{"at":"2026-03-10T16:05:00.000Z","from":"customer","text":"una persona"},{"at":"2026-03-10T16:05:00.000Z","from":"bot","text":"Sigues en la fila"}],"transcriptKept":2,"transcriptDepth":1,"handoff":{"reason":"customer-request","level":"L1","priority":"P3","caseNumber":null,"agent":null}}',
          'utf8',
        ),
        0x80,
      ),
    };

    it('decodes a document of that layout: its snapshot and session fields, its own lines, its recent inputs', () => {
      const doc = decodeStored(written);
      expect(doc.legacy).toBe(true);
      expect(doc).toMatchObject({ snapshotAt: 3, fieldsAt: 3 });
      expect(JSON.parse(doc.snapshot!.snapshot!)).toEqual({
        status: 'active',
        value: { a: 'b' },
        context: { text: 'línea\ncon "comillas"' },
        historyValue: { 'bot.x.hist': [] },
      });
      expect(doc.fields!.fields).toMatchObject({
        session: 1,
        sessionStartedAt: new Date('2026-03-10T16:00:00Z'),
        accountNumber: 'MX-1001',
        deadlines: [{ id: 'terminal:ana:s1:chatLimit', dueAt: new Date('2026-03-10T16:20:00Z') }],
        handoff: { reason: 'customer-request', agent: null },
      });
      expect(doc.lines).toEqual([line(5, 'una persona'), line(5, 'Sigues en la fila', 'bot')]);
      expect(doc.transcriptKept).toBe(2);
      expect(doc.recent).toEqual(['in:terminal:m1', 'in:terminal:ana:m2', 'in:terminal:ana:m3']);
      expect(doc).toMatchObject({ mode: 'queued', replyTo: 'm3', language: 'es' });
      expect(doc.outbox).toEqual([{ key: 'handoff.stillQueued' }]);
    });

    it('decodes the test helper’s documents as that code’s, and its deflated ones of before 2026-11-25', () => {
      // That layout never held the message sequence (2026-11-28 came with the next one).
      const before = { ...state, lastSequence: null };
      const legacy = legacyStateDocument(before);
      const { stored: _position, ...decoded } = alone(legacy);
      expect(decoded).toEqual(before);
      const deflated = { ...legacy, body: new Binary(deflateRawSync(legacy.body.buffer)) };
      expect(deflated.body.sub_type).toBe(0);
      expect(decodeStored(deflated)).toEqual(decodeStored(legacy));
    });
  });
});
