/**
 * Stored snapshots name the machine's states (`bot.session.conversation.technical...`) and its
 * history: a conversation stored by one version of the machine must go on with the next. Each
 * fixture is a conversation stopped at a question, its snapshot stored by the machine before it
 * was split into sub-flow modules (or by a later one, for the scenarios added since). Today's
 * machine restores it and finishes it with the replies its scenario expects, turn by turn, and
 * exactly the replies and service calls of the fixture's continuation — restored every turn and
 * kept running, as the engine does. The continuation was recorded again from the stored
 * snapshot when the flows changed on purpose (issues 12 and 13: `record-snapshots.ts
 * --continuations`); the snapshots themselves are still the older machine's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Conversation, expectEmittedKeysTranslated } from './harness.ts';
import { fixtureNames, readFixture, withTypedCodes } from './fixtures/snapshot-fixture.ts';
import { SCENARIOS, send } from './snapshot-scenarios.ts';
import type { Scenario } from './snapshot-scenarios.ts';

afterAll(expectEmittedKeysTranslated);

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
  expect(c.emitted).toEqual(fixture.continuation.emitted);
  expect(withTypedCodes(c.calls)).toEqual(fixture.continuation.calls);
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
