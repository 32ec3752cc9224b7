/**
 * The agents' queue (issue 15): every conversation queued for a person or held by one, from
 * every channel, with its customer, case, intake data, transcript and fair-use record. It never
 * scans the conversations' versions (on the embedded database a scan decodes every version ever
 * stored: minutes once they are hundreds of thousands). A session waiting for a person or held
 * by one always has its chat-limit timer pending (R001-7: the limit runs in the queue and in an
 * agent's chat, and firing it ends the wait), so the candidates are the conversations with a
 * pending chat-limit timer (`TimerStore.conversationsWith`: the hours' small collections) and
 * those this process was just told of; each is read the way the engine reads it, by `_id`.
 */
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { Case, SupportLevel } from '../../domain/cases/case.ts';
import type { Domain } from '../../domain/domain.ts';
import type { AbuseRecord } from '../../domain/fair-use/index.ts';
import type { ConsoleRole } from '../../domain/agents/agent-access.ts';
import type { Customer } from '../../domain/customers/customer.ts';
import {
  calendarFor,
  comparePriority,
  slaDueTimes,
  type Priority,
} from '../../domain/policy/index.ts';
import type { ConversationEngine } from '../engine/engine.ts';
import type { ConversationState } from '../engine/state.ts';

/** How long one look for waiting conversations serves every console of a process (real time). */
const LOOK_REUSE_MS = 3_000;
/** Latest versions read at once while listing the queue. */
const READS = pLimit(16);

/** A conversation as a queue row shows it. */
export interface QueueItem {
  conversationId: string;
  channel: string;
  mode: 'queued' | 'agent';
  level: SupportLevel;
  priority: Priority;
  reason: string;
  /** The agent holding it (null: waiting in the queue). */
  agent: string | null;
  caseNumber: string | null;
  accountNumber: string | null;
  customerName: string | null;
  language: string;
  /** When it joined the queue (the first queued version of this session). */
  waitingSince: string;
  /** The SLA instant the queue is ordered by: the case's first-contact due time (R002-5). */
  slaDue: string | null;
  /** R001-7: when the session's 20-minute limit runs out, if it is running. */
  chatLimitDue: string | null;
  /** The last words of the conversation, for the row. */
  lastText: string;
  /** SLA warnings and breaches marked on its case, newest first (R002-5, R003-6). */
  slaAlerts: { kind: 'warning' | 'breach'; goal: string; due: string }[];
}

/** A conversation opened in the console: the row, and everything an agent reads. */
export interface ConversationView extends QueueItem {
  /** The server's business clock when read: the page counts the 20 minutes from it (R001-7). */
  now: string;
  transcript: { at: string; from: string; text: string }[];
  customer: Pick<Customer, 'accountNumber' | 'name' | 'country' | 'primaryContact'> | null;
  case: Omit<Case, 'matterKey'> | null;
  /** R001-11: the person's fair-use breaches, newest first: the reason and the words. */
  fairUse: {
    rule: string;
    words: string[];
    text: string;
    at: string;
    suspendedUntil: string | null;
    suspended: boolean;
  }[];
}

/** Whether a console role may see work of `level` (R003-8: L1 sees no L2-only work). */
export function maySee(role: ConsoleRole, level: SupportLevel | null): boolean {
  return role !== 'L1' || level !== 'L2';
}

/**
 * Where the queue finds its conversations: those that may be waiting (a superset; each is read
 * and kept only when its latest version is queued or held).
 */
export type WaitingCandidates = () => Promise<Iterable<string>>;

/** Reads the queue and the conversations in it. */
export class DeskQueue {
  constructor(
    private readonly engine: ConversationEngine,
    private readonly domain: Domain,
    private readonly candidates: WaitingCandidates,
  ) {}

  /**
   * Conversations the engine told this process were queued since the last look: shown at once,
   * whatever the candidates say (`onHandoff`).
   */
  readonly #told = new Set<string>();
  #looked: { at: number; ids: Promise<Set<string>> } | null = null;

  /** A conversation was queued, or its customer wrote while queued (a hand-off notice). */
  told(conversationId: string): void {
    this.#told.add(conversationId);
  }

  /**
   * The conversations that may be waiting, shared by every console of this process for
   * LOOK_REUSE_MS (real time) so that many agents cost one look.
   */
  #candidates(): Promise<Set<string>> {
    const now = performance.now();
    if (this.#looked && now - this.#looked.at < LOOK_REUSE_MS) return this.#looked.ids;
    const told = [...this.#told];
    const ids = this.candidates().then((found) => {
      const all = new Set(found);
      // Told before the look began: its timer was stored before the version that queued it, so
      // the look saw it if it still waits. Forgotten either way (one that left is not kept).
      for (const id of told) this.#told.delete(id);
      return all;
    });
    this.#looked = { at: now, ids };
    ids.catch(() => (this.#looked = null));
    return ids;
  }

  /** The queue a role sees: most urgent priority first, then the earliest SLA due, then waiting longest. */
  async list(role: ConsoleRole): Promise<QueueItem[]> {
    const ids = new Set(await this.#candidates());
    for (const id of this.#told) ids.add(id);
    const states = await Promise.all([...ids].map((id) => READS(() => this.engine.state(id))));
    const items: QueueItem[] = [];
    for (const state of states) {
      if (!state || !isWaiting(state) || !maySee(role, state.handoff!.level)) continue;
      items.push(await this.#item(state, waitingSince(state)));
    }
    return items.sort(
      (a, b) =>
        comparePriority(a.priority, b.priority) ||
        (a.slaDue ?? '9').localeCompare(b.slaDue ?? '9') ||
        a.waitingSince.localeCompare(b.waitingSince),
    );
  }

  /** One conversation as an agent of `role` reads it; null if not in the queue or not theirs to see. */
  async view(role: ConsoleRole, conversationId: string): Promise<ConversationView | null> {
    const state = await this.engine.state(conversationId);
    if (!state || !isWaiting(state) || !maySee(role, state.handoff!.level)) return null;
    const item = await this.#item(state, waitingSince(state));
    const customer = state.accountNumber
      ? await this.domain.customers.findByAccount(state.accountNumber)
      : null;
    const found = item.caseNumber ? await this.domain.cases.find(item.caseNumber) : null;
    const records = await this.domain.abuse.history({ person: `conversation:${conversationId}` });
    return {
      ...item,
      now: this.domain.clock.now().toISOString(),
      transcript: state.transcript.map((t) => ({
        at: t.at.toISOString(),
        from: t.from,
        text: t.text,
      })),
      customer: customer
        ? {
            accountNumber: customer.accountNumber,
            name: customer.name,
            country: customer.country,
            primaryContact: customer.primaryContact,
          }
        : null,
      case: found ? withoutMatterKey(found) : null,
      fairUse: records.map((r) => fairUseLine(r, this.domain.clock.now())),
    };
  }

  async #item(state: ConversationState, waitingSince: Date): Promise<QueueItem> {
    const handoff = state.handoff!;
    const found = handoff.caseNumber ? await this.domain.cases.find(handoff.caseNumber) : null;
    const customer =
      found?.requesterName ??
      (state.accountNumber
        ? ((await this.domain.customers.findByAccount(state.accountNumber))?.name ?? null)
        : null);
    const chatLimit = state.deadlines.find((d) => d.kind === 'chatLimit');
    const last = state.transcript.filter((t) => t.from === 'customer').at(-1);
    return {
      conversationId: state.conversationId,
      channel: state.channel,
      mode: state.mode as 'queued' | 'agent',
      level: handoff.level,
      priority: handoff.priority,
      reason: handoff.reason,
      agent: handoff.agent,
      caseNumber: handoff.caseNumber,
      accountNumber: state.accountNumber,
      customerName: customer,
      language: state.language,
      waitingSince: waitingSince.toISOString(),
      slaDue: (
        found?.sla.firstContactDue ?? this.#slaOf(handoff.priority, waitingSince, found)
      ).toISOString(),
      chatLimitDue: chatLimit ? new Date(chatLimit.dueAt).toISOString() : null,
      lastText: last?.text ?? '',
      slaAlerts: (found?.slaAlerts ?? [])
        .map((a) => ({ kind: a.kind, goal: a.goal, due: new Date(a.due).toISOString() }))
        .reverse(),
    };
  }

  /** A conversation without a case: its first-contact due time as if a case opened when it queued. */
  #slaOf(priority: Priority, openedAt: Date, found: Case | null): Date {
    const policy = this.domain.policy;
    const country = found?.country ?? (Object.keys(policy.countries)[0] as string);
    return slaDueTimes(openedAt, priority, calendarFor(policy, country), policy).firstContactDue;
  }
}

/** When it joined the queue (versions stored before `queuedAt` was kept: its session's start). */
function waitingSince(state: ConversationState): Date {
  const at = state.handoff?.queuedAt;
  return at ? new Date(at) : state.sessionStartedAt;
}

/** Queued for a person, or held by one. */
function isWaiting(state: ConversationState): boolean {
  return (state.mode === 'queued' || state.mode === 'agent') && state.handoff !== null;
}

function withoutMatterKey(found: Case): Omit<Case, 'matterKey'> {
  const { matterKey: _matterKey, ...rest } = found;
  return rest;
}

function fairUseLine(record: AbuseRecord, now: Date): ConversationView['fairUse'][number] {
  const until = record.suspension?.until ?? null;
  return {
    rule: record.rule,
    words: record.words,
    text: record.text,
    at: record.at.toISOString(),
    suspendedUntil: until ? until.toISOString() : null,
    suspended: record.suspension !== null && (until === null || until > now),
  };
}
