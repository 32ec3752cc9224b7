/**
 * Runs conversations through `runTurn` exactly as the engine does: one event per turn, the
 * persisted snapshot JSON-round-tripped between turns (proving it is serialisable), in-memory
 * fake services that record their calls, and a fake clock that moves one minute per event.
 */
import { expect } from 'vitest';
import type { Snapshot } from 'xstate';
import {
  DEFAULT_POLICY,
  calendarFor,
  officeHoursNow,
  rescheduleTerms,
} from '../../../src/domain/policy/index.ts';
import type { PolicyConfig } from '../../../src/domain/policy/index.ts';
import { normaliseEmail, normalisePhone } from '../../../src/domain/customers/customer.ts';
import { createConversationMachine, provideServices, runTurn } from '../../../src/flows/index.ts';
import { LiveFlow } from '../../../src/flows/run-turn.ts';
import type {
  CaseView,
  CustomerView,
  FlowEmitted,
  FlowEvent,
  FlowInput,
  FlowServices,
  OpenCaseOutput,
  Reply,
  VisitView,
} from '../../../src/flows/index.ts';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import { labelText } from '../../../src/flows/understanding.ts';
import {
  AccountProofService,
  codeRecipient,
  type AccountCodeRules,
} from '../../../src/domain/account-proof/index.ts';
import { MemoryAccountCodeStore } from '../../support/memory-account-codes.ts';

/** Monday 2 March 2026, 10:00 in Mexico City: inside office hours. */
export const T0 = '2026-03-02T16:00:00.000Z';

export const LAURA: CustomerView = {
  accountNumber: 'MX-1001',
  contractNumbers: ['CT-MX-2024-001'],
  name: 'Comercializadora del Valle',
  country: 'MX',
  timeZone: 'America/Mexico_City',
  language: 'es',
  primaryContact: {
    name: 'Laura Méndez',
    phone: '+52 55 5555 0101',
    email: 'laura.mendez@delvalle.example',
  },
  authorisedPersons: [],
  distributor: null,
  paymentsUpToDate: true,
  equipment: [
    {
      serial: 'SRV-MX-0001',
      description: 'Servidor Dell',
      location: 'Av. Insurgentes Sur 1234, piso 3',
    },
    { serial: 'PRN-MX-0002', description: 'Impresora HP', location: 'Recepción, planta baja' },
  ],
  suspended: false,
  abuseWarnings: 0,
};

export const SANTA_RITA: CustomerView = {
  ...LAURA,
  accountNumber: 'MX-1002',
  contractNumbers: ['CT-MX-2025-014'],
  name: 'Farmacias Santa Rita',
  primaryContact: {
    name: 'Jorge Ramírez',
    phone: '+52 1 33 3333 0202',
    email: 'jorge@santarita.example',
  },
  authorisedPersons: [
    { name: 'Ana Torres', phone: '+52 33 3333 0203', email: 'ana@santarita.example' },
  ],
  equipment: [
    {
      serial: 'POS-MX-0101',
      description: 'Terminal punto de venta',
      location: 'Sucursal Chapultepec',
    },
  ],
};

export const DISTRIBUTED: CustomerView = {
  ...LAURA,
  accountNumber: 'MX-1003',
  contractNumbers: ['CT-MX-2025-020'],
  name: 'Tiendas Norte',
  primaryContact: { name: 'Pedro Gil', phone: '+52 81 8181 0001', email: 'pedro@norte.example' },
  distributor: {
    name: 'TecnoNorte',
    phone: '+52 81 8181 0300',
    email: 'soporte@tecnonorte.example',
    servesItsCustomers: true,
  },
};

export const ANDINA: CustomerView = {
  ...LAURA,
  accountNumber: 'CO-2001',
  contractNumbers: ['CT-CO-2024-007'],
  name: 'Logística Andina',
  country: 'CO',
  timeZone: 'America/Bogota',
  primaryContact: {
    name: 'Camila Rojas',
    phone: '+57 601 555 0404',
    email: 'camila.rojas@andina.example',
  },
  paymentsUpToDate: false,
};

export const SUSPENDED: CustomerView = {
  ...LAURA,
  accountNumber: 'VE-3001',
  contractNumbers: ['CT-VE-2025-003'],
  name: 'Alimentos Caribe',
  country: 'VE',
  timeZone: 'America/Caracas',
  primaryContact: {
    name: 'Luis Pérez',
    phone: '+58 212 555 0505',
    email: 'luis.perez@caribe.example',
  },
  suspended: true,
};

export const HORIZONTE: CustomerView = {
  ...LAURA,
  accountNumber: 'BR-4001',
  contractNumbers: ['CT-MX-2025-090'],
  name: 'Serviços Horizonte',
  language: 'pt',
  primaryContact: {
    name: 'Marina Souza',
    phone: '+52 55 5555 0909',
    email: 'marina@horizonte.example',
  },
};

/** An open case of LAURA's, last contacted 10 minutes before T0 (for follow-up). */
export const openCase = (over: Partial<CaseView> = {}): CaseView => ({
  number: 'AT-2026-000050' as CaseNumber,
  openedAt: '2026-03-02T14:00:00.000Z',
  status: 'in-progress',
  subject: 'Servidor sin red',
  priority: 'P2',
  lastContactAt: '2026-03-02T15:50:00.000Z', // 11 minutes before the follow-up request
  followUpToldAt: null,
  firstContactDue: '2026-03-02T16:00:00.000Z',
  solutionDue: '2026-03-04T20:00:00.000Z',
  ...over,
});

export const CUSTOMERS = [LAURA, SANTA_RITA, DISTRIBUTED, ANDINA, SUSPENDED, HORIZONTE];

export interface Call {
  name: keyof FlowServices;
  input: unknown;
}

export interface Options {
  customers?: CustomerView[];
  input?: Partial<FlowInput>;
  services?: Partial<FlowServices>;
  policy?: PolicyConfig;
  openCases?: CaseView[];
  openCaseOutcome?: OpenCaseOutput['outcome'];
  officeOpen?: boolean;
  /** recordAbuse returns suspended from this warning on. */
  suspendAtWarning?: number;
  /** R001-11: the person talking is suspended (found with the customer) until then; null: for good. */
  personSuspendedUntil?: string | null;
  startAt?: string;
  /** Keep one running machine across turns, as the engine does, instead of restoring it. */
  live?: boolean;
  /** Issue 12: account codes cannot be sent (production without a mail server). */
  codesUnavailable?: boolean;
  /** Issue 12: other limits for account codes than the product's. */
  codeRules?: AccountCodeRules;
  /** Issue 13: the account's visits (`listVisits`); moves change them here. */
  visits?: VisitView[];
}

/** An account code as the harness's "mailbox" received it (issue 12). */
export interface SentCode {
  to: string;
  code: string;
  accountNumber: string;
}

/**
 * A conversation stopped at a question, as a fixture keeps it: the persisted snapshot, the input
 * it started with, and the state of the fake clock and services, so it can go on elsewhere.
 */
export interface SavedConversation {
  options: Omit<Options, 'services' | 'policy' | 'live'>;
  input: FlowInput;
  now: string;
  caseCounter: number;
  warnings: number;
  snapshot: Snapshot<unknown>;
}

/** Every reply key emitted in this test file, for the locale check. */
export const emittedKeys = new Set<string>();

/** A conversation under test. */
export class Conversation {
  readonly calls: Call[] = [];
  readonly emitted: FlowEmitted[] = [];
  /** Replies of the latest turn. */
  last: Reply[] = [];
  done = false;
  snapshot: Snapshot<unknown> | null = null;
  private flow: LiveFlow | null = null;
  private clock: number;
  private input: FlowInput;
  private readonly machine;
  private caseCounter = 0;
  private warnings = 0;
  /** Issue 12: the codes "mailed" by `sendAccountCode`, in order (the customer's mailbox). */
  readonly mailbox: SentCode[] = [];

  constructor(
    readonly options: Options = {},
    saved?: SavedConversation,
  ) {
    this.clock = Date.parse(options.startAt ?? T0);
    this.input = {
      conversationId: 'conv-1',
      channel: 'http-json',
      channelUserId: 'user-1',
      localeHint: null,
      phone: null,
      displayName: null,
      startedAt: new Date(this.clock).toISOString(),
      ...options.input,
    };
    if (saved) {
      this.input = saved.input;
      this.clock = Date.parse(saved.now);
      this.caseCounter = saved.caseCounter;
      this.warnings = saved.warnings;
      this.snapshot = saved.snapshot;
    }
    const policy = options.policy ?? DEFAULT_POLICY;
    this.machine = provideServices(createConversationMachine(policy), {
      ...this.fakes(policy),
      ...options.services,
    });
  }

  /** Goes on with a saved conversation (its options, fakes and clock) from its snapshot. */
  static resume(saved: SavedConversation, options: Pick<Options, 'live'> = {}): Conversation {
    return new Conversation({ ...saved.options, ...options }, saved);
  }

  /** What `resume` needs to go on from here, as plain JSON. */
  save(): SavedConversation {
    if (!this.snapshot) throw new Error('nothing to save before the first turn');
    const { services: _s, policy: _p, live: _l, codeRules: _r, ...options } = this.options;
    return JSON.parse(
      JSON.stringify({
        options,
        input: this.input,
        now: this.now,
        caseCounter: this.caseCounter,
        warnings: this.warnings,
        snapshot: this.snapshot,
      }),
    ) as SavedConversation;
  }

  /** Current fake time (ISO). */
  get now(): string {
    return new Date(this.clock).toISOString();
  }

  /** Moves the fake clock. */
  advance(minutes: number): void {
    this.clock += minutes * 60_000;
  }

  private fakes(policy: PolicyConfig): FlowServices {
    const customers = this.options.customers ?? CUSTOMERS;
    const record = <K extends keyof FlowServices>(name: K, input: unknown) =>
      this.calls.push({ name, input });
    // Issue 12: the real rules of account codes, on a store in memory and the fake clock.
    const proof = new AccountProofService(
      new MemoryAccountCodeStore(),
      { now: () => new Date(this.clock) },
      this.options.codeRules,
    );
    return {
      sendAccountCode: async (input) => {
        record('sendAccountCode', input);
        const customer = customers.find((c) => c.accountNumber === input.accountNumber);
        if (!customer || this.options.codesUnavailable) return { outcome: 'unavailable' };
        const to = codeRecipient(customer, input.person).email;
        const issued = await proof.issue({ ...input, to });
        if (issued.outcome === 'rate-limited')
          return { outcome: 'rate-limited', retryAt: issued.retryAt.toISOString() };
        if (issued.outcome === 'issued')
          this.mailbox.push({ to, code: issued.code, accountNumber: input.accountNumber });
        return {
          outcome: 'sent',
          codeId: issued.codeId,
          maskedTo: issued.maskedTo,
          expiresAt: issued.expiresAt.toISOString(),
        };
      },
      checkAccountCode: async (input) => {
        record('checkAccountCode', input);
        const checked = await proof.check(input);
        return checked.outcome === 'invalid' ? { outcome: 'expired' } : checked;
      },
      findCustomer: async (input) => {
        record('findCustomer', input);
        const v = input.value;
        const found = customers.find((c) => {
          const people = [c.primaryContact, ...c.authorisedPersons];
          if (input.by === 'account') return c.accountNumber === v || c.contractNumbers.includes(v);
          if (input.by === 'email')
            return people.some((p) => normaliseEmail(p.email) === normaliseEmail(v));
          return people.some((p) => normalisePhone(p.phone) === normalisePhone(v));
        });
        if (!found) return null;
        const until = this.options.personSuspendedUntil;
        return until === undefined ? found : { ...found, personSuspension: { until } };
      },
      openCase: async (input) => {
        record('openCase', input);
        this.caseCounter += 1;
        return {
          outcome: this.options.openCaseOutcome ?? 'opened',
          caseNumber: `AT-2026-00000${this.caseCounter}` as CaseNumber,
          openedAt: this.now,
          firstContactDue: '2026-03-02T20:00:00.000Z',
          solutionDue: '2026-03-06T20:00:00.000Z',
        };
      },
      closeCase: async (input) => void record('closeCase', input),
      openCaseOfMatter: async (input) => {
        record('openCaseOfMatter', input);
        const open = this.options.openCases ?? [];
        return (
          open.find(
            (c) =>
              c.type === input.type &&
              (c.category ?? null) === input.category &&
              c.equipmentSerial === input.equipmentSerial,
          ) ?? null
        );
      },
      listOpenCases: async (input) => {
        record('listOpenCases', input);
        return this.options.openCases ?? [];
      },
      recordFollowUp: async (input) => void record('recordFollowUp', input),
      officeHours: async (input) => {
        record('officeHours', input);
        // R003-2: the policy's real calendar, unless the test fixes the answer.
        if (this.options.officeOpen === undefined) {
          const calendar = calendarFor(policy, input.country, input.timeZone);
          return officeHoursNow(calendar, policy, new Date(input.at), input.language ?? 'es');
        }
        return { open: this.options.officeOpen, nextOpenAt: '2026-03-03T13:00:00.000Z' };
      },
      proposeVisitSlots: async (input) => {
        record('proposeVisitSlots', input);
        return [
          { id: 'slot-1', start: '2026-03-03T15:00:00.000Z', end: '2026-03-03T17:00:00.000Z' },
          { id: 'slot-2', start: '2026-03-04T15:00:00.000Z', end: '2026-03-04T17:00:00.000Z' },
        ];
      },
      openFolio: async (input) => {
        record('openFolio', input);
        return { folioNumber: 'FO-0001' };
      },
      ...this.visitFakes(record),
      checkCoverage: async (input) => {
        record('checkCoverage', input);
        const covered = input.address.includes('06600');
        return { covered, city: covered ? 'Ciudad de México' : null };
      },
      recordAbuse: async (input) => {
        record('recordAbuse', input);
        this.warnings += 1;
        return {
          suspended: this.warnings >= (this.options.suspendAtWarning ?? 3),
          warnings: this.warnings,
          suspendedUntil: null,
        };
      },
      recordSurvey: async (input) => void record('recordSurvey', input),
      registerCancellation: async (input) => {
        record('registerCancellation', input);
        return { caseNumber: 'AT-2026-000900' as CaseNumber };
      },
    };
  }

  /**
   * Issue 13: visits on `options.visits`, moved with the real R000-5 terms (the policy's
   * calendar, holidays included) at the fake clock.
   */
  private visitFakes(record: (name: keyof FlowServices, input: unknown) => void) {
    const policy = this.options.policy ?? DEFAULT_POLICY;
    const visits = (this.options.visits ??= []);
    const termsOf = (
      folioNumber: string,
      at: string,
      where: { country: 'MX' | 'CO' | 'VE'; timeZone: string },
    ) => {
      const v = visits.find((x) => x.folioNumber === folioNumber);
      if (!v) throw new Error(`no visit ${folioNumber}`);
      const calendar = calendarFor(policy, where.country, where.timeZone);
      const { cost, because } = rescheduleTerms(
        new Date(v.start),
        new Date(at),
        calendar,
        policy,
        v.freeReschedulesLeft,
      );
      return { v, terms: { cost, because } };
    };
    return {
      listVisits: async (input) => {
        record('listVisits', input);
        return visits.filter((v) => input.caseNumber === null || v.caseNumber === input.caseNumber);
      },
      quoteVisitMove: async (input) => {
        record('quoteVisitMove', input);
        return termsOf(input.folioNumber, input.at, input).terms;
      },
      moveVisit: async (input) => {
        record('moveVisit', input);
        const { v, terms } = termsOf(input.folioNumber, this.now, input);
        if (terms.cost !== input.acceptedCost) return { outcome: 'cost-changed', terms };
        Object.assign(v, {
          start: input.slot.start,
          end: input.slot.end,
          outcome: 'pending',
          freeReschedulesLeft: v.freeReschedulesLeft - (terms.because === 'owed' ? 1 : 0),
        });
        return { outcome: 'moved', cost: terms.cost };
      },
      confirmVisit: async (input) => void record('confirmVisit', input),
    } satisfies Pick<FlowServices, 'listVisits' | 'quoteVisitMove' | 'moveVisit' | 'confirmVisit'>;
  }

  /** Sends one event (text, `{choice}`, or a full event) as one turn; returns its reply keys. */
  async send(
    what:
      | string
      | { choice: string }
      | { text: string; attachments: { name: string; contentType: string; url: string }[] }
      | FlowEvent,
    { minutes = 1 }: { minutes?: number } = {},
  ): Promise<string[]> {
    if (this.done) throw new Error('the conversation is over');
    this.advance(minutes);
    const at = this.now;
    const event: FlowEvent =
      typeof what === 'string'
        ? { type: 'customer.text', text: what, at }
        : 'type' in what
          ? what
          : 'choice' in what
            ? { type: 'customer.choice', choice: what.choice, at }
            : { type: 'customer.text', text: what.text, attachments: what.attachments, at };
    const restored = this.snapshot
      ? (JSON.parse(JSON.stringify(this.snapshot)) as Snapshot<unknown>)
      : null;
    const result = this.options.live
      ? await (this.flow ??= new LiveFlow(this.machine, restored, this.input)).turn(event)
      : await runTurn(this.machine, restored, this.input, event);
    this.snapshot = JSON.parse(JSON.stringify(result.snapshot)) as Snapshot<unknown>;
    this.done = result.done;
    this.emitted.push(...result.emitted);
    this.last = result.emitted.flatMap((e) => (e.type === 'reply' ? [e.reply] : []));
    for (const r of this.last) {
      emittedKeys.add(r.key);
      for (const c of r.choices ?? []) emittedKeys.add(c.key);
    }
    return this.last.map((r) => r.key);
  }

  /** Sends several answers, one turn each. */
  async say(...answers: (string | { choice: string })[]): Promise<string[]> {
    let keys: string[] = [];
    for (const a of answers) keys = await this.send(a);
    return keys;
  }

  /** All reply keys so far, in order. */
  get keys(): string[] {
    return this.replies.map((r) => r.key);
  }

  get replies(): Reply[] {
    return this.emitted.flatMap((e) => (e.type === 'reply' ? [e.reply] : []));
  }

  /** The last reply with this key. */
  reply(key: string): Reply | undefined {
    return this.replies.filter((r) => r.key === key).at(-1);
  }

  callsOf<K extends keyof FlowServices>(name: K): Parameters<FlowServices[K]>[0][] {
    return this.calls
      .filter((c) => c.name === name)
      .map((c) => c.input as Parameters<FlowServices[K]>[0]);
  }

  /** The question waiting now (the last reply with choices or the last reply). */
  get question(): Reply | undefined {
    return this.last.at(-1);
  }

  closedReason(): string | undefined {
    const e = this.emitted.find((x) => x.type === 'session.closed');
    return e?.type === 'session.closed' ? e.reason : undefined;
  }
}

/** The last account code "mailed" in this conversation (issue 12). */
export function lastCode(c: Conversation): SentCode {
  const sent = c.mailbox.at(-1);
  if (!sent) throw new Error('no account code was sent');
  return sent;
}

/**
 * Issue 12: at the code question, types the code that was mailed and expects the proof; the
 * flow goes on where its gate stood. Returns the reply keys of that turn.
 */
export async function proveAccount(c: Conversation): Promise<string[]> {
  expect(c.question?.key).toBe('proof.askCode');
  const keys = await c.send(lastCode(c).code);
  expect(keys[0]).toBe('proof.proven');
  return keys;
}

/**
 * Issue 12: a conversation whose network verified Laura's phone (WhatsApp): the account is
 * proven at identification, and no code is asked.
 */
export const VERIFIED_PHONE: Options = { input: { phone: LAURA.primaryContact.phone } };

/** Identifies as Laura (primary contact of MX-1001) and lands at triage. */
export async function atTriage(options: Options = {}): Promise<Conversation> {
  const c = new Conversation(options);
  await c.send('Hola, mi cuenta es MX-1001');
  // A network-verified phone of the account's (`VERIFIED_PHONE`) identifies without asking.
  if (c.question?.key === 'identification.askIsPrimary') await c.send({ choice: 'yes' });
  expect(c.question?.key).toBe('triage.ask');
  return c;
}

/** From triage, chooses a technical fault on the server and confirms its location. */
export async function atPowerCheck(options: Options = {}): Promise<Conversation> {
  const c = await atTriage(options);
  await c.say(
    { choice: 'technical' },
    { choice: 'servers' },
    { choice: 'SRV-MX-0001' },
    { choice: 'yes' },
  );
  expect(c.question?.key).toBe('technical.askExternalRuledOut');
  await c.send({ choice: 'yes' });
  expect(c.question?.key).toBe('technical.askPower');
  return c;
}

/** Runs the first level to an unsolved verification, ready for severity. */
export async function atSeverity(options: Options = {}): Promise<Conversation> {
  const c = await atPowerCheck(options);
  await c.say({ choice: 'yes' }, { choice: 'yes' }, { choice: 'done' }, { choice: 'no' });
  expect(c.question?.key).toBe('technical.askSeverity');
  return c;
}

/** Checks that every key emitted in this file exists in es, en and pt. */
export function expectEmittedKeysTranslated(): void {
  for (const key of emittedKeys) {
    for (const lang of ['es', 'en', 'pt'] as const) {
      expect(labelText(lang, key), `${lang}: ${key}`).not.toBeNull();
    }
  }
}
