/**
 * The crash windows of a turn's side effects, left exactly as a killed process leaves them,
 * then the network's resend handled by another process (a fresh runtime, nothing in memory):
 * - the effect done and its result recorded, the conversation's version never stored;
 * - the effect done, its result not recorded either (the claim left behind goes stale).
 * Either way the resend finds the effect's result — the same case, the same folio — and the
 * conversation takes the path its inputs lead to (R001-5, R004-3, R002-5, R003-8).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../../src/bot/runtime.ts';
import type { InProcessChannel } from '../../../src/channels/terminal/in-process-channel.ts';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import { STALE_CLAIM_MS } from '../../../src/domain/effects/effect-ledger.ts';
import { startSecondProcess, type SecondProcess } from '../../support/second-process.ts';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';
import { holdsItsSlaChain, inboundOf, seedCustomers, technicalScript } from './fixtures.ts';

const SCRIPT = technicalScript(0);
/** The step whose turn opens the case, and the one whose turn opens the folio. */
const OPENING_CASE = SCRIPT.length - 3;
const OPENING_FOLIO = SCRIPT.length - 1;

describe('crash windows of side effects', () => {
  let bot: TestBot;
  let restarted: Runtime;
  let channel: InProcessChannel;
  let process2: SecondProcess;

  beforeAll(async () => {
    bot = await startTestBot();
    await seedCustomers(bot.runtime.domain, 1, 4, { equipment: true });
    process2 = await startSecondProcess(bot);
    ({ runtime: restarted, channel } = process2);
  });
  afterAll(async () => {
    await process2.stop();
  });

  /**
   * Runs customer `i`'s script on the first process up to and including step `upTo`, then
   * leaves the database as a process killed right after that step's effects would: the
   * version that step stored is gone (and, with `resultLost`, the effects' results too, their
   * claims stale). Returns what the first process told for that step.
   */
  async function crashAfter(i: number, upTo: number, resultLost: boolean) {
    const user = `w${i}`;
    const script = technicalScript(i);
    for (let n = 0; n <= upTo; n++) await bot.runtime.engine.handle(inboundOf(user, n, script[n]!));
    const told = bot.channel.to(user);
    // The effects' results are recorded off the turn's path: let them land first.
    await bot.runtime.domain.effects.settled();
    const { versions } = bot.runtime.stores;
    const latest = await versions.latest(`terminal:${user}`);
    await versions.states.deleteOne({ _id: latest!._id });
    const { effects } = bot.runtime.domain;
    const mine = { _id: { $regex: `^customer:terminal:${user}:${user}-m${upTo}/` } };
    expect(await effects.claims.countDocuments(mine)).toBeGreaterThan(0);
    if (resultLost) {
      await effects.results.deleteMany(mine);
      const stale = new Date(Date.now() - STALE_CLAIM_MS - 1_000);
      await effects.claims.updateMany(mine, { $set: { at: stale } });
    }
    return { user, script, told };
  }

  /** The resend of step `n`, handled by the other process: its replies. */
  async function resend(user: string, script: ReturnType<typeof technicalScript>, n: number) {
    const before = channel.to(user).length;
    expect(await restarted.engine.handle(inboundOf(user, n, script[n]!))).toBe('answered');
    return channel.to(user).slice(before);
  }

  const param = (replies: { reply: { key: string; params?: object } }[], key: string) =>
    (replies.find((m) => m.reply.key === key)?.reply.params as Record<string, unknown>) ?? {};

  for (const resultLost of [false, true]) {
    const window = resultLost ? 'its result not recorded' : 'its result recorded';
    it(`R001-5: the case opened, ${window}, the version not stored: the resend is told the same case as opened, with its SLA timers`, async () => {
      const i = resultLost ? 2 : 1;
      const { user, script, told } = await crashAfter(i, OPENING_CASE, resultLost);
      const first = param(told, 'case.opened').caseNumber;
      expect(first).toBeDefined();
      const replies = await resend(user, script, OPENING_CASE);
      expect(keys(replies)).toContain('case.opened');
      expect(keys(replies)).not.toContain('case.joined');
      expect(param(replies, 'case.opened').caseNumber).toBe(first);
      const cases = await restarted.domain.cases.cases
        .find({ conversationId: `terminal:${user}` }, { _id: 1 })
        .lean<{ _id: string }[]>();
      expect(cases.map((c) => c._id)).toEqual([first]);
      expect(await holdsItsSlaChain(restarted.domain, bot.connection.db!, String(first))).toBe(
        true,
      );
      // The conversation goes on to its visit.
      const rest = [];
      for (let n = OPENING_CASE + 1; n < script.length; n++)
        rest.push(...(await resend(user, script, n)));
      expect(keys(rest)).toContain('visit.folioConfirmed');
    });

    it(`R004-3: the folio opened, ${window}, the version not stored: the resend is told the same folio, and the case has one, told once in its timeline`, async () => {
      const i = resultLost ? 4 : 3;
      const { user, script, told } = await crashAfter(i, OPENING_FOLIO, resultLost);
      const first = param(told, 'visit.folioConfirmed');
      expect(first.folioNumber).toBeDefined();
      const replies = await resend(user, script, OPENING_FOLIO);
      expect(param(replies, 'visit.folioConfirmed').folioNumber).toBe(first.folioNumber);
      const folios = await restarted.domain.folios.ofCase(first.caseNumber as CaseNumber);
      expect(folios.map((f) => f.number)).toEqual([first.folioNumber]);
      // Its timeline tells the visit once (issue 17: the line is kept once per folio).
      const lines = (await restarted.domain.cases.timeline(first.caseNumber as CaseNumber)).filter(
        (e) => e.kind === 'visit' && e.text === first.folioNumber,
      );
      expect(lines).toHaveLength(1);
    });
  }
});
