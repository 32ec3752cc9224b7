import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Clock } from './clock.ts';
import { AccountCodeRepository, AccountProofService } from './account-proof/index.ts';
import { MailOutbox } from './mail/index.ts';
import type { PolicyConfig } from './policy/index.ts';
import { AgentRepository } from './agents/agent.ts';
import { AttachmentStore } from './attachments/index.ts';
import { ChannelMarks } from './channel-marks/index.ts';
import { ChannelAddressBook } from './channel-addresses.ts';
import { CaseNumberAllocator } from './cases/case-number.ts';
import { CaseRepository } from './cases/case-repository.ts';
import { CaseService } from './cases/case-service.ts';
import { SlaService } from './cases/sla-service.ts';
import { AnnouncementBoard } from './announcements/index.ts';
import { CoverageRepository } from './coverage/coverage.ts';
import { CustomerRepository } from './customers/customer-repository.ts';
import { AbuseRepository } from './fair-use/index.ts';
import { FolioRepository } from './folios/folio-repository.ts';
import { FolioService } from './folios/folio-service.ts';
import { EffectLedger } from './effects/effect-ledger.ts';
import { CaseTally, DailyTally } from './reports/index.ts';
import { ensureCollection } from './model-on.ts';

/** The one shared domain layer every channel and flow goes through, on one database. */
export interface Domain {
  readonly policy: PolicyConfig;
  readonly clock: Clock;
  readonly customers: CustomerRepository;
  /** Fair-use breaches and suspensions per person (R001-8 … R001-11). */
  readonly abuse: AbuseRepository;
  readonly cases: CaseRepository;
  readonly caseNumbers: CaseNumberAllocator;
  readonly caseService: CaseService;
  /** SLA clocks: pauses, recomputed due instants, warnings and breaches (R002-5, R003-6). */
  readonly sla: SlaService;
  /** Extended hours and suspensions a supervisor announced (R003-3, R003-4). */
  readonly announcements: AnnouncementBoard;
  readonly folios: FolioRepository;
  readonly folioService: FolioService;
  readonly coverage: CoverageRepository;
  readonly agents: AgentRepository;
  /** Every side effect of a conversation's turn once per input (decision 0). */
  readonly effects: EffectLedger;
  /** One-time codes that prove a conversation speaks for an account (issue 12). */
  readonly accountProof: AccountProofService;
  readonly accountCodes: AccountCodeRepository;
  /** The durable mail outbox every e-mail goes through. */
  readonly mailOutbox: MailOutbox;
  /** The files customers send with their reports, kept in the database (R001-3). */
  readonly attachments: AttachmentStore;
  /** What network adapters remember across processes: replies sent, customers who blocked us. */
  readonly channelMarks: ChannelMarks;
  /** How channels reach a conversation no request waits on (Bot Framework references). */
  readonly channelAddresses: ChannelAddressBook;
  /** The supervisor reports' per-day counts, written as cases change (issue 16). */
  readonly reports: CaseTally;
  /** Creates collections and unique indexes; run once at start-up before serving. */
  init(): Promise<void>;
}

/** The domain on a connection; `processId` names this process in the effects it claims. */
export function createDomain(
  connection: Connection,
  policy: PolicyConfig,
  clock: Clock,
  processId: string = randomUUID(),
): Domain {
  const db = connection.db;
  if (!db) throw new Error('the database connection is not open');
  const customers = new CustomerRepository(connection);
  const abuse = new AbuseRepository(connection, policy);
  const cases = new CaseRepository(connection);
  const caseNumbers = new CaseNumberAllocator(connection);
  const folios = new FolioRepository(connection);
  const coverage = new CoverageRepository(connection);
  const agents = new AgentRepository(connection);
  const accountCodes = new AccountCodeRepository(connection);
  const mailOutbox = new MailOutbox(connection);
  const attachments = new AttachmentStore(connection);
  const channelMarks = new ChannelMarks(connection);
  const channelAddresses = new ChannelAddressBook(connection);
  const announcements = new AnnouncementBoard(connection, policy);
  const calendarOf = (country: string, timeZone?: string) =>
    announcements.calendarOf(country, timeZone);
  const reports = new CaseTally(new DailyTally(connection));
  return {
    policy,
    clock,
    customers,
    abuse,
    cases,
    caseNumbers,
    caseService: new CaseService(cases, caseNumbers, policy, clock, calendarOf, reports),
    sla: new SlaService(cases, policy, clock, calendarOf),
    announcements,
    folios,
    folioService: new FolioService(folios, policy, clock),
    coverage,
    agents,
    effects: new EffectLedger(db, processId),
    accountProof: new AccountProofService(accountCodes, clock),
    accountCodes,
    mailOutbox,
    attachments,
    channelMarks,
    channelAddresses,
    reports,
    async init() {
      await customers.init();
      await abuse.init();
      await cases.init();
      await ensureCollection(caseNumbers.model);
      await folios.init();
      await coverage.init();
      await agents.init();
      await accountCodes.init();
      await mailOutbox.init();
      await attachments.init();
      await channelMarks.init();
      await channelAddresses.init();
      await announcements.init();
      await reports.days.init();
    },
  };
}
