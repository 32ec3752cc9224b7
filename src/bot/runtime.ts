import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Clock } from '../domain/clock.ts';
import { createDomain, type Domain } from '../domain/domain.ts';
import type { PolicyConfig } from '../domain/policy/index.ts';
import { createConversationMachine, provideServices } from '../flows/index.ts';
import { ConversationEngine, type EngineOptions } from './engine/engine.ts';
import type { ChannelPort } from './engine/messages.ts';
import { Scheduler } from './engine/scheduler.ts';
import { EngineStores, type CaseTimer } from './engine/store/index.ts';
import type { MailIntent, Mailer } from '../domain/mail/index.ts';
import { oncePerInput } from './effects/once-per-input.ts';
import { noteOutages } from './engine/outage-scope.ts';
import {
  createAccountProofServices,
  createFlowServices,
  personStandingOf,
  type DemoCode,
} from './flow-services.ts';
import { CaseFollowUp, type FollowUpSettings } from './case-follow-up.ts';
import { CaseOpening } from './case-opening.ts';
import { createTranslator, type Translator } from './i18n.ts';
import { CaseMailPreparer } from './mail/case-mail-preparer.ts';
import { CaseNotices, type SurveyLinks } from './mail/case-notices.ts';
import { MailSender, type MailSenderOptions } from './mail/mail-sender.ts';
import { SlaWatch } from './sla-watch.ts';

/** Everything that serves conversations in one process, on one database. */
export interface Runtime {
  readonly domain: Domain;
  /** The engine's stores: versions, outbox journal, timers (`roundTrips`: their total). */
  readonly stores: EngineStores;
  readonly engine: ConversationEngine;
  readonly scheduler: Scheduler;
  /** The SLA watch: pauses, recomputed due instants, warnings and breaches. */
  readonly sla: SlaWatch;
  readonly translator: Translator;
  /**
   * The mail outbox's sender loop; null without a mailer (mails are kept in the outbox, and a
   * loop of the runtime's own only prepares the case notices' intents).
   */
  readonly mailSender: MailSender | null;
  /** Issue 16: the case notifications by e-mail, queued in the outbox. */
  readonly caseNotices: CaseNotices;
  /** Issue 17: what follows a case's opening off its turn (its mail, its report count). */
  readonly caseOpening: CaseOpening;
  /** Starts the scheduler and the housekeeping (pruning, idle eviction, delivery recovery). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

let sharedTranslator: Translator | null = null;

/** Real time between the two start-up sweeps for outboxes a dead process left undelivered. */
const RECOVERY_GRACE_MS = 2_000;
/**
 * Housekeeping rounds between delivery-recovery sweeps (6 × 5 s = 30 s): a restarted process
 * recovers its own at start; these sweeps are for a process that died and stays down, and
 * each reads the whole outbox journal.
 */
const RECOVERY_EVERY_ROUNDS = 6;

/**
 * E-mail (issue 12): a mailer runs the outbox's sender loop in this process and account codes
 * go by e-mail; without one, mails are kept in the outbox, and account codes are either shown
 * as a demo (`demoCodes`: never in production) or cannot be sent.
 */
export interface RuntimeMailOptions {
  mailer?: Mailer | null;
  demoCodes?: boolean;
  /** A demo code issued (for the log and the terminal chat). */
  onDemoCode?: (code: DemoCode) => void;
  sender?: Omit<MailSenderOptions, 'processId' | 'onError'>;
  /** Issue 16: the survey's answer links in a mail (none: the mail asks to answer in the chat). */
  surveyLinks?: SurveyLinks;
}

/** Assembles domain, flows, engine and scheduler. Channels register their ports. */
export async function createRuntime(options: {
  connection: Connection;
  policy: PolicyConfig;
  clock: Clock;
  channels: readonly ChannelPort[];
  onHandoff?: EngineOptions['onHandoff'];
  idleMs?: number;
  schedulerPollMs?: number;
  housekeepingMs?: number;
  recoveryGraceMs?: number;
  /** How long a message waits for its predecessor (by the network's numbering). */
  orderWaitMs?: number;
  /** Where the engine tells what it went on from (a message applied out of order). */
  log?: EngineOptions['log'];
  onError?: (error: unknown) => void;
  mail?: RuntimeMailOptions;
  /** Issue 16: the visit reminder's and the unanswered confirmation's waits. */
  followUp?: FollowUpSettings;
}): Promise<Runtime> {
  const processId = randomUUID();
  const domain = createDomain(options.connection, options.policy, options.clock, processId);
  domain.reports.days.onError = options.onError ?? null;
  await domain.init();
  const db = options.connection.db;
  if (!db) throw new Error('the database connection is not open');
  const stores = new EngineStores(db, processId, () => options.clock.now());
  await stores.init();
  const translator = (sharedTranslator ??= createTranslator());
  const sla = new SlaWatch(domain, stores.timers, options.clock);
  let engine: ConversationEngine | null = null;
  const mail = options.mail ?? {};
  const caseNotices = new CaseNotices(domain, options.clock);
  const opening = new CaseOpening(domain, sla, caseNotices, options.onError);
  const followUp = new CaseFollowUp(
    domain,
    stores.timers,
    caseNotices,
    () => engine,
    options.clock,
    options.followUp,
  );
  const direct = createFlowServices(
    domain,
    options.clock,
    (id) => engine?.transcriptOf(id) ?? [],
    // R002-5, R003-8: a new case's first-contact and response times (and their warnings) are
    // the SLA watch's durable timers, the first written in the turn; R002-4: its number and
    // opening time by e-mail, and its count in the reports, right after the turn (issue 17:
    // `case-opening.ts`). The legacy `case:<n>:firstContact` / `:response` timers are no longer
    // written; `SlaWatch.fire` still handles those stored by older versions.
    async (opened) => opening.opened(opened),
    {
      onCaseStored: (opened) => opening.stored(opened),
      onCaseClosedInChat: (number) => caseNotices.caseClosed(number, null),
      onVisitBooked: (folio) => followUp.visitBooked(folio),
      onCaseAwaitingConfirmation: (opened, id) => followUp.awaitingConfirmation(opened, id),
    },
    (caseNumber) => sla.resume(caseNumber),
  );
  const proofServices = createAccountProofServices(domain, options.clock, {
    delivery: mail.mailer ? 'mail' : mail.demoCodes ? 'demo' : 'off',
    translator,
    effectKeyOf: (id) => engine?.runningTurn(id)?.inputKey,
    onDemoCode: mail.onDemoCode,
  });
  // Issue 17: the case notices' intents are addressed and rendered by the sender loop; without
  // a mailer a loop still prepares them (nothing is sent), so the kept mails are listed whole.
  const preparer = new CaseMailPreparer(domain, translator, mail.surveyLinks);
  const senderOptions = {
    ...mail.sender,
    processId,
    onError: options.onError,
    prepare: (intent: MailIntent) => preparer.prepare(intent),
  };
  const mailSender = mail.mailer
    ? new MailSender(domain.mailOutbox, mail.mailer, options.clock, senderOptions)
    : null;
  const mailKeeper =
    mailSender ?? new MailSender(domain.mailOutbox, null, options.clock, senderOptions);
  // Every effect once per input: a retried turn gets its effects' first results back.
  // A service failing because the database did not answer fails its turn (outage-scope.ts).
  const services = noteOutages(
    oncePerInput({ ...direct, ...proofServices }, domain.effects, (id) => engine?.runningTurn(id)),
  );
  const machine = provideServices(createConversationMachine(options.policy), services);
  engine = new ConversationEngine({
    stores,
    machine,
    translator,
    clock: options.clock,
    policy: options.policy,
    channels: options.channels,
    onHandoff: options.onHandoff,
    personStanding: personStandingOf(domain),
    idleMs: options.idleMs,
    orderWaitMs: options.orderWaitMs,
    log: options.log,
    processId,
  });
  // The SLA watch: warnings before each due instant; first contact overdue is flagged
  // (R002-5); an unsolved case past its response time goes to level 2 (R003-8); a missed
  // solution time is marked (R003-6). Issue 16: a visit's reminder, a case closing without
  // the customer's answer.
  const caseWatch = async (timer: CaseTimer) =>
    timer.kind === 'visitReminder' || timer.kind === 'caseConfirmation'
      ? followUp.fire(timer)
      : sla.fire(timer);
  const scheduler = new Scheduler(stores.timers, engine, options.clock, caseWatch, {
    pollMs: options.schedulerPollMs,
    onError: options.onError,
  });
  let housekeeping: NodeJS.Timeout | null = null;
  let boardRefresh: NodeJS.Timeout | null = null;
  // The timers' work under way: a stop waits for it, or it would reach a closed client.
  const background = new Set<Promise<unknown>>();
  const inBackground = (work: Promise<unknown>) => {
    const done = work.catch((e) => options.onError?.(e));
    background.add(done);
    void done.finally(() => background.delete(done));
  };
  const ready = engine;

  return {
    domain,
    stores,
    engine: ready,
    scheduler,
    sla,
    translator,
    mailSender,
    caseNotices,
    caseOpening: opening,
    async start() {
      // Outboxes a dead process stored but did not deliver: two sweeps, a grace apart, so the
      // replies a live process is delivering right now are left to it. Ready after both.
      await ready.recoverDeliveries();
      await new Promise((resolve) =>
        setTimeout(resolve, options.recoveryGraceMs ?? RECOVERY_GRACE_MS),
      );
      await ready.recoverDeliveries();
      scheduler.start();
      mailKeeper.start();
      let rounds = 0;
      housekeeping = setInterval(() => {
        ready.evictIdle();
        inBackground(stores.tidy(options.clock.now()));
        if (++rounds % RECOVERY_EVERY_ROUNDS === 0) inBackground(ready.recoverDeliveries());
      }, options.housekeepingMs ?? 5_000);
      housekeeping.unref();
      // R003-3/4: announcements made in another process count here within a second (the
      // synchronous paths, a page's office-hours notice) or 1.5 s (the asynchronous ones, which
      // read the board before use only when this loop is late: `AnnouncementBoard.current`).
      boardRefresh = setInterval(() => inBackground(domain.announcements.refresh()), 1_000);
      boardRefresh.unref();
    },
    async stop() {
      if (housekeeping) clearInterval(housekeeping);
      if (boardRefresh) clearInterval(boardRefresh);
      await Promise.all(background);
      await scheduler.stop();
      await mailKeeper.stop();
      await opening.settled();
      await domain.effects.settled();
      await domain.caseNumbers.settled();
      // Issue 17: the report counts' shards are written off the turn; a clean stop writes them.
      await domain.reports.days.stop().catch((e) => options.onError?.(e));
      await stores.journal.flush();
      await stores.tidy(options.clock.now()).catch(() => undefined);
    },
  };
}
