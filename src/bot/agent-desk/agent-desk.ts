/**
 * What agents do to escalated conversations (issue 15, decision 5), on top of the engine's
 * `agentAction`: take one (a hold claimed by insert, so two agents never hold one
 * conversation), write to the customer on the customer's own channel, pass it to level 2 with a
 * raised priority (R003-8), give it back to the bot, or close its case (R002-7 times, then the
 * bot's survey, R002-8). Every action goes to the case timeline with the agent's e-mail.
 */
import { randomUUID } from 'node:crypto';
import type { Agent } from '../../domain/agents/agent.ts';
import type { ConsoleRole } from '../../domain/agents/agent-access.ts';
import type { ConversationHolds } from '../../domain/agents/conversation-holds.ts';
import type { CaseEvent, CaseNumber, CaseRequest } from '../../domain/cases/case.ts';
import type { Domain } from '../../domain/domain.ts';
import { raisePriority } from '../../domain/policy/index.ts';
import { isCountry } from '../../domain/types.ts';
import type { AgentChatEnd, ConversationEngine, HandoffNotice } from '../engine/engine.ts';
import type { ConversationState } from '../engine/state.ts';
import type { CaseNotices } from '../mail/case-notices.ts';
import type { SlaAlertNotice, SlaWatch } from '../sla-watch.ts';
import { DeskEvents, type DeskFeed } from './desk-events.ts';
import { DeskQueue, maySee, type WaitingCandidates } from './queue.ts';

/** Why an action was refused: not in the queue (or not the agent's to see), held by another, … */
export type DeskRefusal = 'not-found' | 'held-by-other' | 'not-held' | 'no-case' | 'empty';

/** An action's outcome: done, or refused with the reason (and who holds it). */
export type DeskResult = { ok: true } | { ok: false; refusal: DeskRefusal; holder?: string };

const refused = (refusal: DeskRefusal, holder?: string): DeskResult => ({
  ok: false,
  refusal,
  ...(holder ? { holder } : {}),
});
const OK: DeskResult = { ok: true };

/** How old a hold on a conversation nobody holds in the engine must be to be taken as stale. */
const STALE_HOLD_MS = 60_000;

/** The agent side of hand-off: the queue, the live events and the actions. */
export class AgentDesk {
  readonly events: DeskEvents;
  private readonly onError: (error: unknown, what: string) => void;
  private readonly closingMail: Pick<CaseNotices, 'caseClosed'> | null;
  private readonly sla: SlaWatch | undefined;
  readonly queue: DeskQueue;

  constructor(
    private readonly engine: ConversationEngine,
    private readonly domain: Domain,
    private readonly holds: ConversationHolds,
    /** The conversations that may be waiting (the queue reads each; see `DeskQueue`). */
    candidates: WaitingCandidates,
    options: {
      onError?: (error: unknown, what: string) => void;
      /** The log the processes' desks share events through; none: this process only. */
      feed?: DeskFeed;
      /** Issue 16: the closing mail (R002-7, R000-12) and the survey's (R002-8). */
      closingMail?: Pick<CaseNotices, 'caseClosed'> | null;
      /** The SLA watch: its warnings reach the consoles, transfers recompute due instants. */
      sla?: SlaWatch;
    } = {},
  ) {
    this.onError = options.onError ?? (() => undefined);
    this.closingMail = options.closingMail ?? null;
    this.sla = options.sla;
    this.events = new DeskEvents(options.feed ?? null);
    this.queue = new DeskQueue(engine, domain, candidates);
    this.sla?.onAlert((alert) => void this.#slaAlert(alert).catch(() => undefined));
  }

  /** An SLA warning or breach: told to the consoles of the case's level (and its agent). */
  async #slaAlert(alert: SlaAlertNotice): Promise<void> {
    const state = alert.conversationId ? await this.engine.state(alert.conversationId) : null;
    this.events.publish({
      type: 'sla',
      conversationId: alert.conversationId,
      level: state?.handoff?.level ?? alert.level,
      caseNumber: alert.caseNumber,
      kind: alert.kind,
      goal: alert.goal,
      due: alert.due.toISOString(),
      agent: state?.mode === 'agent' ? (state.handoff?.agent ?? null) : null,
    });
  }

  /** The engine's hand-off notices, told to the consoles (`EngineOptions.onHandoff`). */
  onHandoff(notice: HandoffNotice): void {
    const level = notice.state.handoff?.level ?? null;
    this.queue.told(notice.conversationId);
    if (notice.kind === 'customer-message' && notice.text !== undefined) {
      this.events.publish({
        type: 'message',
        conversationId: notice.conversationId,
        level,
        from: 'customer',
        text: notice.text,
        at: notice.state.createdAt.toISOString(),
      });
      // The customer answered: a case waiting on them runs its SLA clock again.
      const caseNumber = notice.state.handoff?.caseNumber;
      if (caseNumber && this.sla) void this.sla.resume(caseNumber).catch(() => undefined);
    }
    if (notice.kind === 'agent-chat-ended' && notice.ended)
      void this.#agentChatEnded(notice.conversationId, notice.ended, notice.state).catch(
        (error: unknown) => this.onError(error, `ending an agent chat (${notice.ended!.why})`),
      );
    this.events.publish({ type: 'queue', conversationId: notice.conversationId, level });
  }

  /**
   * An agent's chat the engine ended without the agent: at 20 minutes (R001-7) or by a
   * suspension for fair use (R001-11). The hold ends (the conversation is nobody's now) and the
   * case's timeline says why, with the chat's transcript: the case goes on as a ticket.
   */
  async #agentChatEnded(
    conversationId: string,
    ended: AgentChatEnd,
    state: ConversationState,
  ): Promise<void> {
    const now = this.domain.clock.now();
    const hold = await this.holds.latest(conversationId);
    if (hold && !hold.ended) await this.holds.end(conversationId, hold.n, 'system', ended.why, now);
    if (!ended.caseNumber) return;
    const caseNumber = ended.caseNumber;
    // The hold names the agent by e-mail, as every other timeline entry of the desk does.
    const data = { action: ended.why, agent: hold?.agent ?? ended.agent };
    const lines = state.transcript.map((t) => `[${t.at.toISOString()}] ${t.from}: ${t.text}`);
    const entry = { caseNumber, at: now, by: 'system' as const, data };
    await this.domain.cases.appendEvent({ ...entry, kind: 'transcript', text: lines.join('\n') });
    await this.domain.cases.appendEvent({ ...entry, kind: 'status', text: ended.why });
  }

  /** Takes a queued conversation: the bot falls silent and the customer is told who joined. */
  async take(agent: Agent, role: ConsoleRole, conversationId: string): Promise<DeskResult> {
    const state = await this.#visible(role, conversationId);
    if (!state) return refused('not-found');
    const now = this.domain.clock.now();
    let claim = await this.holds.claim(conversationId, agent.email, now);
    if (!claim.taken && (await this.#endStaleHold(state, conversationId, now)))
      claim = await this.holds.claim(conversationId, agent.email, now);
    if (!claim.taken) return refused('held-by-other', claim.holder);
    let caseNumber = state.handoff!.caseNumber;
    try {
      caseNumber ??= await this.#openCase(state, conversationId);
      const outcome = await this.engine.agentAction(
        conversationId,
        'takeover',
        agent.name,
        `takeover:${claim.hold.n}`,
        '',
        { caseNumber },
      );
      if (outcome === 'ignored') throw new Error('the conversation left the queue');
    } catch (error) {
      await this.holds.end(conversationId, claim.hold.n, agent.email, 'takeover failed', now);
      if ((error as Error).message === 'the conversation left the queue')
        return refused('not-found');
      throw error;
    }
    await this.#timeline(caseNumber, 'first-contact', agent, 'takeover', agent.email);
    const taken = await this.domain.cases.find(caseNumber);
    if (taken) await this.domain.reports.firstContact(taken, now);
    this.#changed(conversationId, state);
    return OK;
  }

  /** The agent's words to the customer, on the customer's own channel. */
  async say(agent: Agent, conversationId: string, text: string, id?: string): Promise<DeskResult> {
    const held = await this.#held(agent, conversationId);
    if ('refusal' in held) return held.refusal;
    const words = text.trim();
    if (!words) return refused('empty');
    await this.engine.agentAction(conversationId, 'message', agent.name, id ?? randomUUID(), words);
    await this.#timeline(held.state.handoff!.caseNumber, 'note', agent, 'message', words);
    this.events.publish({
      type: 'message',
      conversationId,
      level: held.state.handoff!.level,
      from: 'agent',
      text: words,
      at: this.domain.clock.now().toISOString(),
    });
    return OK;
  }

  /** R003-8: back in the queue for level 2, its priority raised one step, case escalated too. */
  async transfer(agent: Agent, conversationId: string): Promise<DeskResult> {
    const held = await this.#held(agent, conversationId);
    if ('refusal' in held) return held.refusal;
    const { caseNumber, priority } = held.state.handoff!;
    await this.engine.agentAction(conversationId, 'transfer', agent.name, `transfer:${held.n}`);
    await this.#end(agent, conversationId, held.n, 'transfer');
    if (caseNumber) {
      const at = this.domain.clock.now();
      const raised = raisePriority(priority);
      if (await this.domain.cases.claimEscalation(caseNumber, 'L2', at)) {
        await this.domain.cases.setLevel(caseNumber, 'L2', raised);
        // R003-6: the raised priority has its own due instants.
        await this.sla?.reprioritised(caseNumber);
        const passed = await this.domain.cases.find(caseNumber);
        if (passed) await this.domain.reports.escalated(passed, at);
      }
      await this.#timeline(
        caseNumber,
        'escalated',
        agent,
        'transfer',
        `L1 -> L2, ${priority} -> ${raised} (R003-8)`,
      );
    }
    this.#changed(conversationId, held.state);
    return OK;
  }

  /** Gives the conversation back to the bot, where its flow paused. */
  async release(agent: Agent, conversationId: string): Promise<DeskResult> {
    const held = await this.#held(agent, conversationId);
    if ('refusal' in held) return held.refusal;
    await this.engine.agentAction(conversationId, 'release', agent.name, `release:${held.n}`);
    await this.#end(agent, conversationId, held.n, 'release');
    await this.#timeline(held.state.handoff!.caseNumber, 'status', agent, 'release', agent.email);
    this.#changed(conversationId, held.state);
    return OK;
  }

  /**
   * Closes the conversation's case with the agent's resolution (R002-7): the customer is told
   * the attention time (opening to the agent's first contact) and the resolution time, then
   * the bot asks the survey (R002-8).
   */
  async close(agent: Agent, conversationId: string, resolution: string): Promise<DeskResult> {
    const held = await this.#held(agent, conversationId);
    if ('refusal' in held) return held.refusal;
    const caseNumber = held.state.handoff!.caseNumber;
    if (!caseNumber) return refused('no-case');
    const words = resolution.trim();
    if (!words) return refused('empty');
    await this.domain.caseService.close(caseNumber, {
      verifiedWith: agent.email,
      solvedAtFirstLevel: false,
      firstContactAt: held.at,
    });
    const closure = await this.domain.cases.findClosure(caseNumber);
    await this.closingMail?.caseClosed(caseNumber, words);
    await this.engine.agentAction(conversationId, 'close', agent.name, `close:${held.n}`, '', {
      closure: {
        caseNumber,
        attentionMinutes: closure?.attentionMinutes ?? 0,
        resolutionMinutes: closure?.resolutionMinutes ?? 0,
        resolution: words,
      },
    });
    await this.#end(agent, conversationId, held.n, 'close');
    await this.#timeline(caseNumber, 'closed', agent, 'close', words);
    this.#changed(conversationId, held.state);
    return OK;
  }

  /** The conversation when this agent holds it, or the refusal (for the console's other actions). */
  heldBy(
    agent: Agent,
    conversationId: string,
  ): Promise<{ state: ConversationState; n: number; at: Date } | { refusal: DeskResult }> {
    return this.#held(agent, conversationId);
  }

  /** Ends the agent's hold once an action ended the conversation. */
  endHold(agent: Agent, conversationId: string, n: number, why: string): Promise<void> {
    return this.#end(agent, conversationId, n, why);
  }

  /** The conversation's latest state when it is in the queue and the role may see it. */
  async #visible(role: ConsoleRole, conversationId: string): Promise<ConversationState | null> {
    const state = await this.engine.state(conversationId);
    if (!state || (state.mode !== 'queued' && state.mode !== 'agent') || !state.handoff)
      return null;
    return maySee(role, state.handoff.level) ? state : null;
  }

  /** The conversation when this agent holds it (by the hold, and the engine agrees). */
  async #held(
    agent: Agent,
    conversationId: string,
  ): Promise<{ state: ConversationState; n: number; at: Date } | { refusal: DeskResult }> {
    const hold = await this.holds.latest(conversationId);
    if (!hold || hold.ended) return { refusal: refused('not-held') };
    if (hold.agent !== agent.email) return { refusal: refused('held-by-other', hold.agent) };
    const state = await this.engine.state(conversationId);
    if (!state || state.mode !== 'agent' || !state.handoff) return { refusal: refused('not-held') };
    return { state, n: hold.n, at: hold.at };
  }

  /**
   * A hold left by a process that died between the engine's action and the hold's end: the
   * conversation waits in the queue with no agent, yet its hold was never ended. Ended once it
   * is older than a takeover could take, so the queue never keeps work nobody can take.
   */
  async #endStaleHold(
    state: ConversationState,
    conversationId: string,
    now: Date,
  ): Promise<boolean> {
    if (state.mode !== 'queued' || state.handoff?.agent !== null) return false;
    const hold = await this.holds.latest(conversationId);
    if (!hold || hold.ended || now.getTime() - hold.at.getTime() < STALE_HOLD_MS) return false;
    await this.holds.end(conversationId, hold.n, 'system', 'stale', now);
    return true;
  }

  async #end(agent: Agent, conversationId: string, n: number, why: string): Promise<void> {
    await this.holds.end(conversationId, n, agent.email, why, this.domain.clock.now());
  }

  /** A case for an agent's work when the hand-off had none: every request has one (R002-4). */
  async #openCase(state: ConversationState, conversationId: string): Promise<CaseNumber> {
    const policy = this.domain.policy;
    const customer = state.accountNumber
      ? await this.domain.customers.findByAccount(state.accountNumber)
      : null;
    const input = state.flowInput as { displayName?: string | null; phone?: string | null };
    const fallback = Object.keys(policy.countries)[0];
    const country = customer?.country ?? (isCountry(fallback) ? fallback : 'MX');
    const said = state.transcript.filter((t) => t.from === 'customer').map((t) => t.text);
    const contact = customer?.primaryContact ?? {
      name: input.displayName ?? '',
      phone: input.phone ?? '',
      email: '',
    };
    const request: CaseRequest = {
      accountNumber: state.accountNumber,
      country,
      timeZone: customer?.timeZone ?? policy.countries[country]?.timeZone ?? 'UTC',
      requesterName: contact.name || customer?.name || conversationId,
      contractNumber: customer?.contractNumbers[0] ?? null,
      equipmentSerial: null,
      equipmentLocation: null,
      contact,
      subject: `handoff: ${state.handoff!.reason}`,
      description: said.slice(-5).join('\n'),
      stepsToReproduce: null,
      type: 'other',
      category: null,
      area: 'customer-service',
      severity: null,
      urgency: null,
      priority: state.handoff!.priority,
      channel: state.channel,
      conversationId,
      attachments: [],
      transcript: state.transcript,
      solvedAtFirstLevel: false,
      requestKey: `agent-case:${conversationId}:${state.session}`,
      identityVerified: false,
    };
    const opened = await this.domain.caseService.open(request);
    return opened.outcome === 'opened' ? opened.case.number : opened.caseNumber;
  }

  async #timeline(
    caseNumber: CaseNumber | null,
    kind: CaseEvent['kind'],
    agent: Agent,
    action: string,
    text: string,
  ): Promise<void> {
    if (!caseNumber) return;
    await this.domain.cases.appendEvent({
      caseNumber,
      at: this.domain.clock.now(),
      kind,
      by: 'agent',
      text,
      data: { agent: agent.email, action },
    });
  }

  #changed(conversationId: string, before: ConversationState): void {
    this.events.publish({ type: 'queue', conversationId, level: before.handoff?.level ?? null });
  }
}
