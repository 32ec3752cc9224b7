/**
 * Stored snapshots name the machine's states (`bot.session.conversation.technical...`) and its
 * history: a conversation stored by one version of the machine must go on with the next. Each
 * fixture is a conversation stopped at a question by the machine before it was split into
 * sub-flow modules; today's machine restores it and finishes it with the same replies and the
 * same service calls, restored every turn and kept running, as the engine does — but for what
 * issue 12 changed on purpose (`comparable`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FlowEmitted } from '../../../src/flows/index.ts';
import { Conversation, expectEmittedKeysTranslated, type Call } from './harness.ts';
import { fixtureNames, readFixture, type SnapshotFixture } from './fixtures/snapshot-fixture.ts';
import { SCENARIOS, send } from './snapshot-scenarios.ts';
import type { Scenario } from './snapshot-scenarios.ts';

afterAll(expectEmittedKeysTranslated);

/**
 * What issue 12 changed, on purpose, in a conversation stored before it. Such a conversation
 * named its account without proving it, so: the proof step comes in before account data, an
 * invoice or a cancellation (its replies and its two services are taken out of today's run,
 * which must otherwise say and do what the recording machine did); a case opened before the
 * proof is marked `identityVerified: false`, one opened after it `true` (the scenarios type the
 * right code); and insults no longer count against an account nobody proved. Issue 13 offers
 * one more option at triage (`visit`), left out of today's triage question here.
 */
function comparable(
  today: { emitted: FlowEmitted[]; calls: Call[] },
  recorded: SnapshotFixture['continuation'],
) {
  let proven = false;
  const provenAt: boolean[] = [];
  // Issue 13: office hours are asked on every path that involves a person (R003-2); a fixture
  // recorded before did not ask them there.
  // Likewise open cases, looked for once the equipment is known (R001-5).
  const asked = new Set(recorded.calls.map((c) => c.name));
  // The matter's open case is read by its key (openCaseOfMatter), no longer by listing the
  // account's cases: a technical fixture's listing is that look-up.
  const listsToday = today.calls.some((c) => c.name === 'listOpenCases');
  recorded = {
    ...recorded,
    calls: recorded.calls.filter((c) => listsToday || c.name !== 'listOpenCases'),
  };
  // Office hours are asked after a cancellation or a follow-up too (R003-2): today's asks past
  // the recorded number are those.
  let hoursLeft = recorded.calls.filter((c) => c.name === 'officeHours').length;
  const calls = today.calls.filter((c) => {
    if (c.name === 'openCaseOfMatter') return false;
    if ((c.name === 'officeHours' || c.name === 'listOpenCases') && !asked.has(c.name)) {
      return false;
    }
    if (c.name === 'officeHours' && hoursLeft-- <= 0) return false;
    if (c.name === 'checkAccountCode') proven = true;
    const kept = c.name !== 'sendAccountCode' && c.name !== 'checkAccountCode';
    if (kept) provenAt.push(proven);
    return kept;
  });
  // Issue 13 added an option at triage (a visit seen or moved): not offered by the recorder.
  const withoutVisitOption = (e: FlowEmitted): FlowEmitted =>
    e.type === 'reply' && e.reply.key === 'triage.ask' && e.reply.choices
      ? { ...e, reply: { ...e.reply, choices: e.reply.choices.filter((x) => x.id !== 'visit') } }
      : e;
  // Issue 13, on purpose: a lookup says who asks (R001-11: the person's own suspension); a
  // breach is recorded against the person with its rule and words; a suspension names its
  // duration; a case's description keeps the first-level steps (R001-4) and its subject comes
  // from the customer's words, cut at a word (R001-2). Today's calls are compared without what
  // was added, and without the subject (whose old form cut words in half); the notice by its
  // new key.
  const before13 = (c: Call): Call => {
    const input = { ...(c.input as Record<string, unknown>) };
    if (c.name === 'findCustomer') delete input.person;
    if (c.name === 'recordAbuse')
      for (const added of ['conversationId', 'phone', 'rule', 'words', 'text']) delete input[added];
    if (c.name === 'openCase') {
      delete input.subject;
      input.description = String(input.description).replace(/\n\[first level: [^\]]*\]/, '');
      // A case solved at the first level was described by a fixed text, whatever was done.
      if (input.description === 'solved at first level')
        input.description = 'power: yes; on: yes; restart: done; verified: works';
    }
    return { ...c, input };
  };
  const withoutSubject = (c: Call): Call => {
    if (c.name !== 'openCase') return c;
    const { subject: _subject, ...input } = c.input as Record<string, unknown>;
    return { ...c, input };
  };
  // Options now carry their meaning (`detail`) instead of the question listing them again.
  const suspensionNotice = (e: FlowEmitted): FlowEmitted => {
    if (e.type !== 'reply') return e;
    if (e.reply.key === 'fairUse.suspendedForDays')
      return { type: 'reply', reply: { key: 'fairUse.suspended' } };
    if (!e.reply.choices?.some((c) => c.detail)) return e;
    const choices = e.reply.choices.map(({ detail: _detail, ...c }) => c);
    return { type: 'reply', reply: { ...e.reply, choices } };
  };
  // Issue 13: a finished request (a visit booked, a cancellation) asks "¿algo más?" before
  // the session ends; a fixture recorded before ended it at once. The scenario answers "no".
  const saidGoodbye = (es: FlowEmitted[]) =>
    es.some((e) => e.type === 'reply' && e.reply.key === 'common.goodbye');
  const todayEmitted =
    saidGoodbye(today.emitted) && !saidGoodbye(recorded.emitted)
      ? today.emitted.filter(
          (e, i, all) =>
            e.type !== 'reply' ||
            (e.reply.key !== 'common.goodbye' &&
              !(
                e.reply.key === 'common.askAnythingElse' &&
                all.slice(i + 1).some((x) => x.type === 'reply' && x.reply.key === 'common.goodbye')
              )),
        )
      : today.emitted;
  return {
    today: {
      emitted: todayEmitted
        .filter((e) => e.type !== 'reply' || !e.reply.key.startsWith('proof.'))
        .map(withoutVisitOption)
        .map(suspensionNotice),
      calls: calls.map(before13),
    },
    // A fixture recorded again after issue 12 (issue 13 re-recorded some) has the proof steps
    // too: taken out the same way.
    recorded: {
      emitted: recorded.emitted.filter(
        (e) => e.type !== 'reply' || !e.reply.key.startsWith('proof.'),
      ),
      calls: recorded.calls
        .filter((c) => c.name !== 'sendAccountCode' && c.name !== 'checkAccountCode')
        .map(withoutSubject)
        .map((c, i) => {
          const input = c.input as Record<string, unknown>;
          if (c.name === 'openCase' && input.accountNumber)
            return { ...c, input: { ...input, identityVerified: provenAt[i] ?? false } };
          if (c.name === 'recordAbuse' && !provenAt[i])
            return { ...c, input: { ...input, accountNumber: null } };
          return c;
        }),
    },
  };
}

async function finish(s: Scenario, live: boolean): Promise<Conversation> {
  const fixture = readFixture(s.name);
  const c = Conversation.resume(fixture.saved, { live });
  for (const [answer, keys] of s.then) {
    expect(await send(c, answer), `${s.name}: ${JSON.stringify(answer)}`).toEqual(keys);
  }
  if ('closed' in s.end) {
    expect(c.done).toBe(true);
    expect(c.closedReason()).toBe(s.end.closed);
  } else {
    expect(c.done).toBe(false);
    expect(c.question?.key).toBe(s.end.waitingAt);
  }
  const { today, recorded } = comparable(c, fixture.continuation);
  expect(today.emitted).toEqual(recorded.emitted);
  expect(today.calls).toEqual(recorded.calls);
  return c;
}

describe('snapshots stored by an earlier machine', () => {
  it('has a fixture for every scenario, at a dozen questions and more', () => {
    expect(fixtureNames()).toEqual(SCENARIOS.map((s) => s.name).sort());
    expect(new Set(SCENARIOS.map((s) => s.question)).size).toBeGreaterThanOrEqual(12);
  });

  for (const s of SCENARIOS) {
    it(`goes on from ${s.name} to its end, restored every turn`, async () => {
      await finish(s, false);
    });

    it(`goes on from ${s.name} to its end, kept running`, async () => {
      await finish(s, true);
    });

    it(`reaches ${s.name} in the state the stored snapshot names`, async () => {
      const fixture = readFixture(s.name);
      const c = await s.reach(s.options ?? {});
      expect(c.question?.key).toBe(fixture.question);
      const now = c.save().snapshot as unknown as Record<string, unknown>;
      const stored = fixture.saved.snapshot as unknown as Record<string, unknown>;
      expect(now['value']).toEqual(stored['value']);
      expect(now['historyValue']).toEqual(stored['historyValue']);
    });
  }
});
