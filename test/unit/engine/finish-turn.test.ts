/**
 * The second half of the engine's pure core: the drafted version completed with what the flow
 * did, the replies to deliver and the hand-off notices to send once the version is stored.
 */
import { describe, expect, it } from 'vitest';
import { TRANSCRIPT_CHECKPOINT_EVERY } from '../../../src/bot/engine/state.ts';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import {
  deadlineChanges,
  finishTurn,
  repliesOf,
  startTurn,
  type FlowOutcome,
  type TurnDraft,
} from '../../../src/bot/engine/turn/index.ts';
import type { FlowEmitted } from '../../../src/flows/contract.ts';
import { CONVERSATION, NOW, POLICY, customerSays, renderer, versionOf } from './fixtures.ts';

function drafted(current = versionOf(3), text = 'Hola'): TurnDraft {
  const start = startTurn(
    CONVERSATION,
    current,
    customerSays(`m${current.version + 1}`, text),
    NOW,
    POLICY,
  );
  if (typeof start === 'string') throw new Error(start);
  return start;
}

const ran = (emitted: FlowEmitted[], done = false): FlowOutcome => ({
  snapshot: { value: 'next', context: { n: 1 } },
  emitted,
  done,
});

describe('finishing a turn', () => {
  it('applies what the flow emitted and renders the replies, in the language it chose, into the transcript and the deliveries', () => {
    const d = drafted();
    const { next, replies, notices } = finishTurn(
      d,
      ran([
        { type: 'language', language: 'en' },
        {
          type: 'identified',
          accountNumber: 'MX-1001',
          contact: { name: 'Ana', phone: '', email: '' },
        },
        {
          type: 'reply',
          reply: { key: 'identify.confirm', choices: [{ id: 'yes', key: 'choice.yes' }] },
        },
        { type: 'reply', reply: { key: 'triage.ask' } },
      ]),
      renderer,
    );
    expect(next.snapshot).toBe('{"value":"next","context":{"n":1}}');
    expect(next.language).toBe('en');
    expect(next.accountNumber).toBe('MX-1001');
    expect(next.pendingOutbox).toBe(true);
    expect(next.outbox.map((r) => r.key)).toEqual(['identify.confirm', 'triage.ask']);
    expect(next.transcript.slice(-2)).toEqual([
      { at: NOW, from: 'bot', text: 'en:identify.confirm' },
      { at: NOW, from: 'bot', text: 'en:triage.ask' },
    ]);
    expect(replies).toEqual([
      {
        deliveryId: `${CONVERSATION}:4:0`,
        conversationId: CONVERSATION,
        channel: 'terminal',
        channelUserId: 'ana',
        language: 'en',
        reply: next.outbox[0],
        inReplyTo: 'm4',
        text: 'en:identify.confirm',
        choices: [{ id: 'yes', label: 'choice.yes' }],
      },
      expect.objectContaining({ deliveryId: `${CONVERSATION}:4:1`, text: 'en:triage.ask' }),
    ]);
    expect(notices).toEqual([]);
    // Recovery rebuilds the same deliveries from the stored version.
    expect(repliesOf(next, renderer)).toEqual(replies);
  });

  it('decision 5: a hand-off queues the conversation and gives one notice for the agents, carrying the input', () => {
    const d = drafted();
    const handoff: FlowEmitted = {
      type: 'handoff',
      reason: 'customer-request',
      level: 'L1',
      priority: 'P3',
      caseNumber: 'AT-2026-000001' as CaseNumber,
    };
    const { next, notices } = finishTurn(
      d,
      ran([handoff, { type: 'reply', reply: { key: 'handoff.queued' } }]),
      renderer,
    );
    expect(next.mode).toBe('queued');
    expect(next.handoff).toEqual({
      reason: 'customer-request',
      level: 'L1',
      priority: 'P3',
      caseNumber: 'AT-2026-000001' as CaseNumber,
      agent: null,
    });
    expect(notices).toEqual([
      { conversationId: CONVERSATION, kind: 'queued', state: next, inputKey: d.inputKey },
    ]);
  });

  it('decision 5: a customer message while the flow is paused becomes a notice for the agents', () => {
    const d = drafted(versionOf(3, { mode: 'agent' }), 'mi impresora no imprime');
    const { next, replies, notices } = finishTurn(d, null, renderer);
    expect(next.snapshot).toBe(versionOf(3).snapshot);
    expect(next.pendingOutbox).toBe(false);
    expect(replies).toEqual([]);
    expect(notices).toEqual([
      {
        conversationId: CONVERSATION,
        kind: 'customer-message',
        state: next,
        text: 'mi impresora no imprime',
        inputKey: d.inputKey,
      },
    ]);
  });

  it('closes the session when the flow is done or says so, and drops its deadlines', () => {
    const done = finishTurn(drafted(), ran([], true), renderer).next;
    expect(done.mode).toBe('closed');
    expect(done.deadlines).toEqual([]);
    const said = finishTurn(
      drafted(),
      ran([{ type: 'session.closed', reason: 'chat-limit' }]),
      renderer,
    ).next;
    expect(said.mode).toBe('closed');
    expect(deadlineChanges(versionOf(3), said)).toEqual({
      added: [],
      removed: versionOf(3).deadlines,
    });
  });

  it('R001-7: stores a whole copy of the transcript every TRANSCRIPT_CHECKPOINT_EVERY versions', () => {
    const before = versionOf(3, { transcriptDepth: TRANSCRIPT_CHECKPOINT_EVERY - 2 });
    const next = finishTurn(drafted(before), ran([]), renderer).next;
    expect(next.transcriptDepth).toBe(TRANSCRIPT_CHECKPOINT_EVERY - 1);
    expect(next.transcriptKept).toBe(before.transcript.length);

    const due = versionOf(3, { transcriptDepth: TRANSCRIPT_CHECKPOINT_EVERY - 1 });
    const checkpoint = finishTurn(drafted(due), ran([]), renderer).next;
    expect(checkpoint.transcriptDepth).toBe(0);
    expect(checkpoint.transcriptKept).toBe(0);
  });

  it('keeps the last 400 lines of a long session, as a whole copy', () => {
    const lines = Array.from({ length: 400 }, (_, i) => ({
      at: NOW,
      from: 'customer' as const,
      text: `línea ${i}`,
    }));
    const long = versionOf(3, { transcript: lines, transcriptDepth: 2 });
    const next = finishTurn(
      drafted(long, 'otra'),
      ran([{ type: 'reply', reply: { key: 'a' } }]),
      renderer,
    ).next;
    expect(next.transcript).toHaveLength(400);
    expect(next.transcript[0]!.text).toBe('línea 2');
    expect(next.transcript.slice(-2).map((t) => t.text)).toEqual(['otra', 'es:a']);
    expect(next.transcriptKept).toBe(0);
    expect(next.transcriptDepth).toBe(0);
  });

  it('R001-7: a new session adds the timer of its chat limit; a turn that keeps the deadline adds none', () => {
    const start = startTurn(CONVERSATION, null, customerSays('m1', 'Hola'), NOW, POLICY);
    if (typeof start === 'string') throw new Error(start);
    const first = finishTurn(start, ran([]), renderer).next;
    expect(deadlineChanges(null, first)).toEqual({ added: first.deadlines, removed: [] });
    const second = finishTurn(drafted(versionOf(3)), ran([]), renderer).next;
    expect(deadlineChanges(versionOf(3), second)).toEqual({ added: [], removed: [] });
  });
});
