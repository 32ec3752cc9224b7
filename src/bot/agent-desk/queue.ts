/**
 * The agents' queue (issue 15): every conversation queued for a person or held by one, from
 * every channel, with its customer, case, intake data, transcript and fair-use record. The
 * console may scan (ARCHITECTURE: "reports and the agent console may scan"): it finds the
 * conversations by the `mode` of their stored versions, then reads each one's latest version
 * the way the engine does, by `_id`. The message path never reads this way.
 */
import { performance } from 'node:perf_hooks';
import type { Collection } from 'mongodb';
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
import type { StoredState } from '../engine/state-codec.ts';

/** How long one scan of the versions serves every console of a process (real time). */
const SCAN_REUSE_MS = 3_000;

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

/** Reads the queue and the conversations in it. */
export class DeskQueue {
  constructor(
    private readonly engine: ConversationEngine,
    private readonly domain: Domain,
    private readonly versions: Collection<StoredState>,
  ) {}

  /**
   * Conversations the engine told this process were queued or written to since the last scan:
   * shown at once, before the next scan finds them (`onHandoff`).
   */
  readonly #told = new Map<string, Date>();
  #scanned: { at: number; rows: Promise<Map<string, Date[]>> } | null = null;

  /** A conversation was queued, or its customer wrote while queued (a hand-off notice). */
  told(conversationId: string, at: Date): void {
    if (!this.#told.has(conversationId)) this.#told.set(conversationId, at);
  }

  /**
   * The conversations with versions in the queue and when each version was written: a scan
   * (FerretDB v1 reads by any field but `_id` by scanning), shared by every console of this
   * process for SCAN_REUSE_MS (real time) so that many agents cost one scan.
   */
  #scan(): Promise<Map<string, Date[]>> {
    const now = performance.now();
    if (this.#scanned && now - this.#scanned.at < SCAN_REUSE_MS) return this.#scanned.rows;
    const told = new Map(this.#told);
    const rows = this.versions
      .find(
        { mode: { $in: ['queued', 'agent'] } },
        { projection: { conversationId: 1, createdAt: 1 } },
      )
      .toArray()
      .then((found) => {
        const byConversation = new Map<string, Date[]>();
        for (const row of found) {
          const seen = byConversation.get(row.conversationId) ?? [];
          seen.push(row.createdAt);
          byConversation.set(row.conversationId, seen);
        }
        // What the scan saw needs no telling any more (what was told during it stays).
        for (const [id, at] of told) if (this.#told.get(id) === at) this.#told.delete(id);
        return byConversation;
      });
    this.#scanned = { at: now, rows };
    rows.catch(() => (this.#scanned = null));
    return rows;
  }

  /** The queue a role sees: most urgent priority first, then the earliest SLA due, then waiting longest. */
  async list(role: ConsoleRole): Promise<QueueItem[]> {
    const firstSeen = new Map(await this.#scan());
    for (const [conversationId, at] of this.#told) {
      firstSeen.set(conversationId, [...(firstSeen.get(conversationId) ?? []), at]);
    }
    const items: QueueItem[] = [];
    for (const [conversationId, times] of firstSeen) {
      const state = await this.engine.state(conversationId);
      if (!state || !isWaiting(state) || !maySee(role, state.handoff!.level)) continue;
      const since = times.filter((t) => t >= state.sessionStartedAt);
      const waitingSince = since.length
        ? new Date(Math.min(...since.map(Number)))
        : state.createdAt;
      items.push(await this.#item(state, waitingSince));
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
    const item = await this.#item(state, state.sessionStartedAt);
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
