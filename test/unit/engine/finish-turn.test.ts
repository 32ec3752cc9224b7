/**
 * The second half of the engine's pure core: the drafted version completed with what the flow
 * did, the replies to deliver and the hand-off notices to send once the version is stored.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TRANSCRIPT, TRANSCRIPT_PAGE_VERSIONS } from '../../../src/bot/engine/state.ts';
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
import {
  CONVERSATION,
  NOW,
  POLICY,
  agentDoes,
  customerSays,
  renderer,
  versionOf,
} from './fixtures.ts';

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
      // When it joined the queue: the console's "waiting since".
      queuedAt: d.next.createdAt.toISOString(),
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

  it('R001-7: a version stores the lines its turn added, and counts them for its page', () => {
    const first = finishTurn(drafted(versionOf(3)), ran([]), renderer).next;
    // A version without a storage position (built anew) starts the stored transcript.
    expect(first.transcriptKept).toBe(0);
    expect(first.transcriptDepth).toBe(0);
    expect(first.stored?.pageLines).toBe(first.transcript.length);

    const second = finishTurn(
      drafted(first),
      ran([{ type: 'reply', reply: { key: 'a' } }]),
      renderer,
    ).next;
    expect(second.version).toBe(5);
    expect(second.transcriptKept).toBe(first.transcript.length);
    expect(second.transcriptDepth).toBe(1);
    expect(second.stored?.pageLines).toBe(first.transcript.length + 2);

    // The version after a page counts its own lines only.
    const page = { ...second, version: TRANSCRIPT_PAGE_VERSIONS };
    const after = finishTurn(drafted(page), ran([]), renderer).next;
    expect(after.version).toBe(TRANSCRIPT_PAGE_VERSIONS + 1);
    expect(after.stored?.pageLines).toBe(1);
    expect(after.transcriptDepth).toBe(2);
  });

  it('keeps the last 400 lines of a long session, and still stores only the lines the turn added', () => {
    const lines = Array.from({ length: MAX_TRANSCRIPT }, (_, i) => ({
      at: NOW,
      from: 'customer' as const,
      text: `línea ${i}`,
    }));
    const long = versionOf(3, {
      transcript: lines,
      transcriptDepth: 2,
      stored: { snapshotAt: 1, fieldsAt: 1, fields: 'x', pageLines: 5 },
    });
    const next = finishTurn(
      drafted(long, 'otra'),
      ran([{ type: 'reply', reply: { key: 'a' } }]),
      renderer,
    ).next;
    expect(next.transcript).toHaveLength(MAX_TRANSCRIPT);
    expect(next.transcript[0]!.text).toBe('línea 2');
    expect(next.transcript.slice(-2).map((t) => t.text)).toEqual(['otra', 'es:a']);
    // A flood past the cap must not store the whole transcript with every message.
    expect(next.transcript.slice(next.transcriptKept).map((t) => t.text)).toEqual(['otra', 'es:a']);
    expect(next.transcriptDepth).toBe(3);
    expect(next.stored?.pageLines).toBe(7);
  });

  it('refers to the versions that store the snapshot and the session fields while a turn leaves them as they were', () => {
    const queued = finishTurn(drafted(versionOf(3, { mode: 'queued' })), null, renderer).next;
    expect(queued.stored).toMatchObject({ snapshotAt: 4, fieldsAt: 4 });
    // The customer writes again while queued: neither changes.
    const again = finishTurn(drafted(queued), null, renderer).next;
    expect(again.stored).toMatchObject({ snapshotAt: 4, fieldsAt: 4 });
    expect(again.stored?.fields).toBe(queued.stored?.fields);
    expect(again.snapshot).toBe(queued.snapshot);
    // A turn of the flow changes the snapshot, not the session fields.
    const released = finishTurn(drafted({ ...again, mode: 'bot' }), ran([]), renderer).next;
    expect(released.stored).toMatchObject({ snapshotAt: 6, fieldsAt: 4 });
    expect(released.snapshot).toContain('"value":"next"');
    // An agent taking the conversation changes the session fields, not the snapshot.
    const taken = finishTurn(drafted({ ...released, mode: 'queued' }), null, renderer).next;
    expect(taken.stored).toMatchObject({ snapshotAt: 6, fieldsAt: 4 });
    const held = {
      ...taken,
      handoff: {
        reason: 'agent' as const,
        level: 'L1' as const,
        priority: 'P3' as const,
        caseNumber: null,
        agent: 'Marta',
      },
    };
    expect(finishTurn(drafted(held), null, renderer).next.stored).toMatchObject({
      snapshotAt: 6,
      fieldsAt: 8,
    });
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

describe('the transcript an agent reads (issue 15)', () => {
  it("an agent's words are one line, the agent's: the reply that carries them to the customer is not written again", () => {
    const held = versionOf(3, { mode: 'agent' });
    const start = startTurn(
      CONVERSATION,
      held,
      agentDoes('message', 'a9', 'Ya reviso su módem'),
      NOW,
      POLICY,
    );
    if (typeof start === 'string') throw new Error(start);
    const before = held.transcript.length;
    const { next, replies } = finishTurn(start, ran([]), renderer);
    expect(replies).toHaveLength(1);
    expect(next.transcript.slice(before)).toEqual([
      { at: NOW, from: 'agent', text: 'Ya reviso su módem' },
    ]);
  });

  it('a button pressed without words is shown by its choice, not as an empty line', () => {
    const pressed = customerSays('m4', '');
    if (pressed.kind === 'customer') pressed.message.choice = 'yes';
    const start = startTurn(CONVERSATION, versionOf(3), pressed, NOW, POLICY);
    if (typeof start === 'string') throw new Error(start);
    expect(start.next.transcript.at(-1)).toEqual({ at: NOW, from: 'customer', text: '[yes]' });
  });
});
