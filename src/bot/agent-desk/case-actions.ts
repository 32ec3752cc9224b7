/**
 * What an agent holding a conversation does to its case and its customer beyond talking (issue
 * 16): the case waits on the customer (its SLA clock paused, R003-6), the report is false or
 * nonsense (R001-10), or the person's support is suspended with a reason (R001-11). The customer
 * is told on their own channel; every action goes to the case timeline with the agent's e-mail.
 */
import type { Agent } from '../../domain/agents/agent.ts';
import type { CaseNumber } from '../../domain/cases/case.ts';
import type { Domain } from '../../domain/domain.ts';
import { personKeys, type FairUseRule } from '../../domain/fair-use/index.ts';
import type { ConversationEngine } from '../engine/engine.ts';
import type { ConversationState } from '../engine/state.ts';
import type { SlaWatch } from '../sla-watch.ts';
import type { AgentDesk, DeskResult } from './agent-desk.ts';

const OK: DeskResult = { ok: true };

/** The longest suspension an agent may set by hand: a year (0 stays "permanent"). */
export const MAX_SUSPENSION_HOURS = 24 * 366;

/** The console's case and fair-use actions, on top of the desk's hold. */
export class DeskCaseActions {
  constructor(
    private readonly desk: AgentDesk,
    private readonly engine: ConversationEngine,
    private readonly domain: Domain,
    private readonly sla: SlaWatch,
  ) {}

  /** The case waits on the customer: its response and solution clocks stop until they answer. */
  async awaitCustomer(agent: Agent, conversationId: string): Promise<DeskResult> {
    const held = await this.desk.heldBy(agent, conversationId);
    if ('refusal' in held) return held.refusal;
    const caseNumber = held.state.handoff!.caseNumber;
    if (!caseNumber) return { ok: false, refusal: 'no-case' };
    const paused = await this.sla.pause(caseNumber);
    if (paused === 'paused') await this.#timeline(caseNumber, agent, 'awaitCustomer', agent.email);
    this.#changed(conversationId, held.state);
    return OK;
  }

  /**
   * R001-10: the agent marks the report false or nonsense. The breach counts for the person
   * like the bot's (R001-11 may follow from the count), the case closes, and the customer is
   * told why; the conversation ends.
   */
  async markFalse(agent: Agent, conversationId: string, reason: string): Promise<DeskResult> {
    const held = await this.desk.heldBy(agent, conversationId);
    if ('refusal' in held) return held.refusal;
    const caseNumber = held.state.handoff!.caseNumber;
    if (!caseNumber) return { ok: false, refusal: 'no-case' };
    const words = reason.trim();
    if (!words) return { ok: false, refusal: 'empty' };
    const outcome = await this.domain.abuse.record(
      this.#breach(held.state, agent, 'R001-10', words, `agent-false:${caseNumber}`),
    );
    await this.domain.caseService.close(caseNumber, {
      verifiedWith: agent.email,
      solvedAtFirstLevel: false,
      firstContactAt: held.at,
    });
    const suspended = outcome.suspension
      ? { suspendedUntil: outcome.suspension.until?.toISOString() ?? null }
      : {};
    await this.engine.agentAction(
      conversationId,
      'markFalse',
      agent.name,
      `markFalse:${held.n}`,
      '',
      {
        fairUse: {
          reason: words,
          caseNumber,
          ...suspended,
          timeZone: await this.#zone(held.state),
        },
      },
    );
    await this.desk.endHold(agent, conversationId, held.n, 'markFalse');
    await this.#timeline(caseNumber, agent, 'markFalse', words, {
      fairUse: 'R001-10',
      ...suspended,
    });
    this.#changed(conversationId, held.state);
    return OK;
  }

  /**
   * R001-11: the agent suspends the person's support for `hours` (0: permanently; the policy's
   * duration when not given), with the reason. The suspension is the person's (their
   * conversation and verified phone), read at the start of their next session in any process.
   */
  async suspend(
    agent: Agent,
    conversationId: string,
    reason: string,
    hours?: number,
  ): Promise<DeskResult> {
    const held = await this.desk.heldBy(agent, conversationId);
    if ('refusal' in held) return held.refusal;
    const words = reason.trim();
    if (!words) return { ok: false, refusal: 'empty' };
    const length =
      hours === undefined || !Number.isFinite(hours)
        ? this.domain.policy.fairUse.suspensionHours
        : Math.min(MAX_SUSPENSION_HOURS, Math.max(0, Math.round(hours)));
    const suspension = await this.domain.abuse.suspendByAgent(
      this.#breach(
        held.state,
        agent,
        'R001-11',
        words,
        `agent-suspend:${conversationId}:${held.n}`,
      ),
      length,
    );
    const caseNumber = held.state.handoff!.caseNumber;
    const suspendedUntil = suspension.until?.toISOString() ?? null;
    await this.engine.agentAction(conversationId, 'suspend', agent.name, `suspend:${held.n}`, '', {
      fairUse: {
        reason: words,
        caseNumber,
        suspendedUntil,
        timeZone: await this.#zone(held.state),
      },
    });
    await this.desk.endHold(agent, conversationId, held.n, 'suspend');
    await this.#timeline(caseNumber, agent, 'suspend', words, {
      fairUse: 'R001-11',
      suspendedUntil,
    });
    this.#changed(conversationId, held.state);
    return OK;
  }

  #breach(state: ConversationState, agent: Agent, rule: FairUseRule, reason: string, id: string) {
    const input = state.flowInput as { phone?: string | null };
    return {
      id,
      person: personKeys(state.conversationId, input.phone ?? null),
      conversationId: state.conversationId,
      accountNumber: state.accountNumber,
      rule,
      words: [],
      text: reason,
      at: this.domain.clock.now(),
      agent: agent.email,
    };
  }

  /** The customer's time zone (their case's, else their country's), for the suspension's end. */
  async #zone(state: ConversationState): Promise<string> {
    const number = state.handoff?.caseNumber;
    const found = number ? await this.domain.cases.find(number) : null;
    if (found) return found.timeZone;
    const policy = this.domain.policy;
    const first = Object.values(policy.countries)[0];
    return first?.timeZone ?? 'UTC';
  }

  async #timeline(
    caseNumber: CaseNumber | null,
    agent: Agent,
    action: string,
    text: string,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    if (!caseNumber) return;
    await this.domain.cases.appendEvent({
      caseNumber,
      at: this.domain.clock.now(),
      kind: action === 'awaitCustomer' ? 'status' : 'note',
      by: 'agent',
      text,
      data: { agent: agent.email, action, ...data },
    });
  }

  #changed(conversationId: string, before: ConversationState): void {
    this.desk.events.publish({
      type: 'queue',
      conversationId,
      level: before.handoff?.level ?? null,
    });
  }
}
