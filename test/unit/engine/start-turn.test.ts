import type { CaseNumber } from '../../../src/domain/cases/case.ts';
/**
 * The first half of the engine's pure core: what an input does to the latest version of a
 * conversation — nothing (answered before, or not applicable) or a draft of the next version
 * with the event its flow is to be told.
 */
import { describe, expect, it } from 'vitest';
import { startTurn, type TurnDraft } from '../../../src/bot/engine/turn/index.ts';
import {
  CONVERSATION,
  NOW,
  POLICY,
  agentDoes,
  customerSays,
  timerFires,
  versionOf,
} from './fixtures.ts';

function draft(start: ReturnType<typeof startTurn>): TurnDraft {
  if (typeof start === 'string') throw new Error(`expected a draft, got ${start}`);
  return start;
}

describe('starting a turn', () => {
  it('R001-7: a first message starts a session with its 20-minute limit as a durable deadline', () => {
    const input = customerSays('m1', 'Hola', { localeHint: 'pt-BR' });
    const d = draft(startTurn(CONVERSATION, null, input, NOW, POLICY));
    expect(d.fresh).toBe(true);
    expect(d.inputKey).toBe(input.key);
    expect(d.next).toMatchObject({
      _id: `${CONVERSATION}:1`,
      version: 1,
      answers: input.key,
      replyTo: 'm1',
      recent: [input.key],
      session: 1,
      mode: 'bot',
      language: 'pt',
      snapshot: null,
      sessionStartedAt: NOW,
      createdAt: NOW,
      transcriptKept: 0,
      transcriptDepth: 0,
    });
    expect(d.next.deadlines).toEqual([
      {
        id: `${CONVERSATION}:s1:chatLimit`,
        kind: 'chatLimit',
        dueAt: new Date(NOW.getTime() + POLICY.fairUse.chatLimitMinutes * 60_000),
      },
    ]);
    expect(d.next.transcript).toEqual([{ at: NOW, from: 'customer', text: 'Hola' }]);
    expect(d.event).toEqual({
      type: 'customer.text',
      text: 'Hola',
      at: NOW.toISOString(),
      attachments: [],
    });
  });

  it('drafts version + 1 on a copy: the version it follows is left as it was', () => {
    const current = versionOf(3);
    const before = structuredClone(current);
    const d = draft(
      startTurn(CONVERSATION, current, customerSays('m4', '', { choice: 'yes' }), NOW, POLICY),
    );
    expect(d.fresh).toBe(false);
    expect(d.event).toEqual({ type: 'customer.choice', choice: 'yes', at: NOW.toISOString() });
    expect(d.next.version).toBe(4);
    expect(d.next.outbox).toEqual([]);
    expect(d.next.transcript).toHaveLength(3);
    // The document of version 4 stores the lines after the 2 it shares with version 3.
    expect(d.next.transcriptKept).toBe(2);
    expect(d.next.transcriptDepth).toBe(1);
    expect(current).toEqual(before);
  });

  it('drops an input answered before, under its key or the key it had before 2026-11-28', () => {
    const current = versionOf(3);
    expect(startTurn(CONVERSATION, current, customerSays('m2', 'otra vez'), NOW, POLICY)).toBe(
      'duplicate',
    );
    const legacy = versionOf(3, { recent: ['in:terminal:m9'] });
    expect(startTurn(CONVERSATION, legacy, customerSays('m9', 'otra vez'), NOW, POLICY)).toBe(
      'duplicate',
    );
  });

  it('R001-7: a timer fires into its session only while its deadline is pending, whoever holds the conversation', () => {
    const timerId = `${CONVERSATION}:s1:chatLimit`;
    const d = draft(startTurn(CONVERSATION, versionOf(3), timerFires(timerId), NOW, POLICY));
    expect(d.event).toEqual({ type: 'timer.chatLimit', at: NOW.toISOString() });
    expect(d.next.deadlines).toEqual([]);
    expect(d.next.replyTo).toBeNull();

    expect(startTurn(CONVERSATION, null, timerFires(timerId), NOW, POLICY)).toBe('ignored');
    const gone = versionOf(3, { deadlines: [] });
    expect(startTurn(CONVERSATION, gone, timerFires(timerId), NOW, POLICY)).toBe('ignored');
    // Issue 13: waiting for a person, the limit still turns the chat into a ticket.
    const queued = versionOf(3, { mode: 'queued' });
    expect(draft(startTurn(CONVERSATION, queued, timerFires(timerId), NOW, POLICY)).event).toEqual({
      type: 'timer.chatLimit',
      at: NOW.toISOString(),
    });
    // Issue 15: an agent's chat ends too, and goes on as the case the agent works on.
    const held = versionOf(3, {
      mode: 'agent',
      handoff: {
        reason: 'customer-request',
        level: 'L1',
        priority: 'P3',
        caseNumber: 'AT-2026-000009' as CaseNumber,
        agent: 'Marta',
      },
    });
    const ended = draft(startTurn(CONVERSATION, held, timerFires(timerId), NOW, POLICY));
    expect(ended.event).toBeNull();
    expect(ended.next).toMatchObject({ mode: 'closed', handoff: null, deadlines: [] });
    expect(ended.next.outbox).toEqual([
      { key: 'chatLimit.reached' },
      { key: 'chatLimit.continuesInCase', params: { caseNumber: 'AT-2026-000009' } },
    ]);
    const closed = versionOf(3, { mode: 'closed' });
    expect(startTurn(CONVERSATION, closed, timerFires(timerId), NOW, POLICY)).toBe('ignored');
  });

  it('a closed conversation written to again starts a new session that keeps the account and language', () => {
    const closed = versionOf(5, {
      mode: 'closed',
      deadlines: [],
      accountNumber: 'MX-1001',
      language: 'en',
    });
    const d = draft(startTurn(CONVERSATION, closed, customerSays('m6', 'Hola'), NOW, POLICY));
    expect(d.fresh).toBe(true);
    expect(d.next).toMatchObject({
      version: 6,
      session: 2,
      mode: 'bot',
      accountNumber: 'MX-1001',
      language: 'en',
      snapshot: null,
      transcriptKept: 0,
    });
    expect(d.next.recent.at(-1)).toBe(d.inputKey);
    expect(d.next.deadlines.map((x) => x.id)).toEqual([`${CONVERSATION}:s2:chatLimit`]);
  });

  it('decision 5, issue 13: while queued the flow still answers (no dead end) and the words go to the agents too; held, only to the agent (and to fair use)', () => {
    const queued = versionOf(3, { mode: 'queued' });
    const d = draft(
      startTurn(CONVERSATION, queued, customerSays('m4', '¿sigue ahí?'), NOW, POLICY),
    );
    expect(d.event).toMatchObject({ type: 'customer.text', text: '¿sigue ahí?' });
    expect(d.forAgents).toBe('¿sigue ahí?');
    expect(d.next.outbox).toEqual([]);

    const held = versionOf(3, { mode: 'agent' });
    const h = draft(startTurn(CONVERSATION, held, customerSays('m4', 'mi impresora'), NOW, POLICY));
    // Held, the flow hears the words only for fair use (R001-8): it answers nothing else.
    expect(h.event).toMatchObject({ type: 'held.text', text: 'mi impresora' });
    expect(h.forAgents).toBe('mi impresora');
    expect(h.next.outbox).toEqual([]);
  });

  it('decision 5: an agent takes over, writes and gives the conversation back to the flow', () => {
    const queued = versionOf(3, { mode: 'queued' });
    const taken = draft(startTurn(CONVERSATION, queued, agentDoes('takeover', 'a1'), NOW, POLICY));
    expect(taken.event).toBeNull();
    expect(taken.next.mode).toBe('agent');
    expect(taken.next.handoff).toMatchObject({ agent: 'Marta', level: 'L1' });
    expect(taken.next.outbox).toEqual([{ key: 'handoff.agentJoined', params: { agent: 'Marta' } }]);

    const held = taken.next;
    const said = draft(
      startTurn(CONVERSATION, held, agentDoes('message', 'a2', 'Ya reviso'), NOW, POLICY),
    );
    expect(said.next.transcript.at(-1)).toEqual({ at: NOW, from: 'agent', text: 'Ya reviso' });
    expect(said.event).toBeNull();

    const back = draft(startTurn(CONVERSATION, held, agentDoes('release', 'a3'), NOW, POLICY));
    expect(back.next.mode).toBe('bot');
    expect(back.next.handoff).toBeNull();
    expect(back.event).toEqual({ type: 'agent.release', at: NOW.toISOString() });
  });

  it('refuses agent actions on a conversation nobody queued, but lets an agent take it over', () => {
    const bot = versionOf(3);
    expect(startTurn(CONVERSATION, bot, agentDoes('message', 'b1', 'hola'), NOW, POLICY)).toBe(
      'ignored',
    );
    expect(startTurn(CONVERSATION, null, agentDoes('takeover', 'b2'), NOW, POLICY)).toBe('ignored');
    const closed = versionOf(3, { mode: 'closed' });
    expect(startTurn(CONVERSATION, closed, agentDoes('takeover', 'b3'), NOW, POLICY)).toBe(
      'ignored',
    );
    expect(
      draft(startTurn(CONVERSATION, bot, agentDoes('takeover', 'b4'), NOW, POLICY)).next.mode,
    ).toBe('agent');
  });
});
