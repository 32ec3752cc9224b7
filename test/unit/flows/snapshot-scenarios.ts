/**
 * Conversations stopped at a question, for the snapshot fixtures: how each one reaches its
 * question with the machine of the day (`reach`), and how it goes on from there (`then`, each
 * answer with the reply keys it must get) to its end. The fixtures under
 * `fixtures/snapshots/` were recorded with the machine before it was split into sub-flow
 * modules (`fixtures/record-snapshots.ts`); `snapshots.test.ts` restores each with today's
 * machine and finishes the conversation, proving stored snapshots survive a change of code.
 */
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import { Conversation, atPowerCheck, atSeverity, atTriage, lastCode, openCase } from './harness.ts';
import type { Options } from './harness.ts';

/** An answer of the customer, or an event from the scheduler or an agent. */
export type Answer =
  | string
  | { choice: string }
  /** Issue 12: the account code just mailed, typed back in the same minute. */
  | typeof CODE
  | { event: 'timer.chatLimit' }
  | { event: 'agent.release'; caseNumber?: string };

export interface Scenario {
  /** The fixture's name: the state path waiting, and what is special about it. */
  name: string;
  /** The key of the question the conversation waits at when it is saved. */
  question: string;
  options?: Options;
  /** Drives a new conversation to the question. */
  reach: (options: Options) => Promise<Conversation>;
  /** The rest of the conversation: each answer and the reply keys of its turn. */
  then: [Answer, string[]][];
  /** How it ends: the session closed (with its reason), or waiting at a question. */
  end: { closed: 'done' | 'chat-limit' | 'suspended' } | { waitingAt: string };
}

async function fresh(options: Options, ...answers: Answer[]): Promise<Conversation> {
  const c = new Conversation(options);
  for (const a of answers) await send(c, a);
  return c;
}

async function after(c: Promise<Conversation>, ...answers: Answer[]): Promise<Conversation> {
  const conversation = await c;
  for (const a of answers) await send(conversation, a);
  return conversation;
}

/**
 * Issue 12: the proof step — the code mailed, typed back. It takes no time on the fake clock, so
 * every instant after it (notice dates, follow-up waits) is the one the recording machine saw.
 */
export const CODE = { code: 'mailed' } as const;
/** Issue 12: what a gate answers an unproven session: the code sent, and asked for. */
const CODE_ASKED = ['proof.codeSent', 'proof.askCode'];

/** Sends one answer (or scheduler/agent event) as one turn; returns its reply keys. */
export function send(c: Conversation, a: Answer): Promise<string[]> {
  if (typeof a === 'object' && 'code' in a) return c.send(lastCode(c).code, { minutes: 0 });
  if (typeof a === 'object' && 'event' in a) {
    return a.event === 'timer.chatLimit'
      ? c.send({ type: 'timer.chatLimit', at: c.now })
      : c.send({
          type: 'agent.release',
          at: c.now,
          ...(a.caseNumber ? { caseNumber: a.caseNumber as CaseNumber } : {}),
        });
  }
  return c.send(a);
}

const SUBJECT = 'El servidor no arranca y muestra error de disco';
const DESCRIPTION = 'Desde el lunes se reinicia solo y muestra disk failure en la consola';

export const SCENARIOS: Scenario[] = [
  {
    name: 'identification.askingIdentifier',
    question: 'identification.askIdentifier',
    reach: (o) => fresh(o, 'Hola'),
    then: [
      ['MX-1001', ['identification.askIsPrimary']],
      [{ choice: 'yes' }, ['identification.welcome', 'triage.ask']],
      ['cancelar', CODE_ASKED],
      [CODE, ['proof.proven', 'cancellation.askConfirm']],
      ['no', ['cancellation.kept', 'common.askAnythingElse']],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'identification.askingIsPrimary',
    question: 'identification.askIsPrimary',
    reach: (o) => fresh(o, 'Hola, mi cuenta es MX-1001'),
    then: [
      [{ choice: 'no' }, ['contact.askName']],
      ['Pedro Sánchez', ['contact.askEmail']],
      ['pedro@delvalle.example', ['contact.askPhone']],
      ['55 1234 5678', ['identification.welcome', 'triage.ask']],
      ['duda', ['request.askDescription']],
      ['¿Mi plan incluye soporte en sábado?', ['request.registered', 'common.askAnythingElse']],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'identification.unknown',
    question: 'identification.unknown.ask',
    reach: (o) => fresh(o, 'ZZ-9999'),
    then: [
      [{ choice: 'newCustomer' }, ['prospect.askCountry']],
      ['México', ['prospect.askAddress']],
      ['Av. Reforma 222, CP 06600, Ciudad de México', ['prospect.covered', 'contact.askName']],
      ['Rosa Díaz', ['contact.askEmail']],
      ['rosa@nueva.example', ['contact.askPhone']],
      ['+52 55 4444 3333', ['prospect.registered', 'common.askAnythingElse']],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'contactDetails.askingEmail',
    question: 'contact.askEmail',
    reach: (o) => fresh(o, 'MX-1001', { choice: 'no' }, 'Pedro Sánchez'),
    then: [
      ['no-es-un-correo', ['contact.invalidEmail', 'contact.askEmail']],
      ['pedro@delvalle.example', ['contact.askPhone']],
      ['55 1234 5678', ['identification.welcome', 'triage.ask']],
      [{ choice: 'person' }, ['handoff.queued', 'handoff.contactCentre']],
    ],
    end: { waitingAt: 'handoff.contactCentre' },
  },
  {
    name: 'triage',
    question: 'triage.ask',
    options: { openCases: [openCase()] },
    reach: (o) => atTriage(o),
    then: [
      [{ choice: 'followUp' }, CODE_ASKED],
      [CODE, ['proof.proven', 'followUp.status', 'followUp.tooSoon', 'common.askAnythingElse']],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'triage.afterWarning',
    question: 'triage.ask',
    options: { suspendAtWarning: 2 },
    reach: (o) => after(atTriage(o), 'pendejo'),
    then: [['pinche pendejo', ['fairUse.suspendedForDays']]],
    end: { closed: 'suspended' },
  },
  {
    name: 'technical.choosingEquipment',
    question: 'technical.askEquipment',
    reach: (o) => after(atTriage(o), { choice: 'technical' }, { choice: 'servers' }),
    then: [
      [{ choice: 'other' }, ['technical.askSerial']],
      ['ABC-123', ['technical.askLocation']],
      ['Oficina central, piso 2', ['technical.askExternalRuledOut']],
      ['no', ['technical.howToRuleOutExternal', 'technical.askIsExternal']],
      ['sí', ['technical.externalCause', 'common.askAnythingElse']],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'technical.confirmingPower',
    question: 'technical.askPower',
    reach: (o) => atPowerCheck(o),
    then: [
      ['eres un idiota', ['fairUse.warning', 'technical.askPower']],
      ['no', ['technical.askPlugIn']],
      [{ choice: 'notYet' }, ['common.takeYourTime']],
      [{ choice: 'done' }, ['technical.askPower']],
      ['sí', ['technical.askOn']],
      [{ event: 'timer.chatLimit' }, ['chatLimit.reached', 'chatLimit.ticketOpened']],
    ],
    end: { closed: 'chat-limit' },
  },
  {
    name: 'technical.confirmingOn.misunderstoodTwice',
    question: 'technical.askOn',
    reach: (o) => after(atPowerCheck(o), 'sí', '???', 'ehh'),
    then: [
      ['hmm', ['common.notUnderstoodHandoff', 'handoff.queued', 'handoff.contactCentre']],
      ['¿hola?', ['handoff.stillQueued']],
      [{ event: 'agent.release' }, ['handoff.released', 'triage.ask']],
    ],
    end: { waitingAt: 'triage.ask' },
  },
  {
    name: 'technical.awaitingRestart',
    question: 'technical.askRestart',
    reach: (o) => after(atPowerCheck(o), { choice: 'yes' }, { choice: 'yes' }),
    then: [
      [{ choice: 'done' }, ['technical.askWorksNow']],
      [{ choice: 'yes' }, ['technical.askCaseFinished']],
      [{ choice: 'yes' }, ['technical.solvedAtFirstLevel', 'survey.askScore']],
      ['5', ['survey.askComment']],
      ['Muy bien', ['survey.thanks', 'common.askAnythingElse']],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'technical.verifying',
    question: 'technical.askWorksNow',
    reach: (o) =>
      after(
        atTriage(o),
        { choice: 'technical' },
        { choice: 'software' },
        { choice: 'PRN-MX-0002' },
        { choice: 'yes' },
        { choice: 'yes' },
        { choice: 'yes' },
        { choice: 'yes' },
        { choice: 'done' },
      ),
    then: [
      [{ choice: 'no' }, ['technical.askRemoteConsent']],
      ['sí', ['technical.askSeverity']],
      [{ event: 'timer.chatLimit' }, ['chatLimit.reached', 'chatLimit.ticketOpened']],
    ],
    end: { closed: 'chat-limit' },
  },
  {
    name: 'technical.choosingSeverity',
    question: 'technical.askSeverity',
    reach: (o) => atSeverity(o),
    then: [
      ['alta', ['technical.askUrgency']],
      ['alta', ['technical.askSubject']],
      [SUBJECT, ['technical.askDescription']],
      [DESCRIPTION, ['technical.askSteps']],
      ['omitir', ['technical.askAttachments']],
      ['omitir', ['case.opened', 'visit.askSlot']],
      [{ choice: 'slot-1' }, ['visit.askAttendant']],
      [
        { choice: 'me' },
        [
          'visit.dutiesDocuments',
          'visit.preparationSteps',
          'visit.manufacturerRequirements',
          'visit.tolerance',
          'visit.folioConfirmed',
          'common.askAnythingElse',
        ],
      ],
      // Issue 13: a finished request asks "¿algo más?".
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'technical.askingDescription',
    question: 'technical.askDescription',
    options: { officeOpen: false },
    reach: (o) => after(atSeverity(o), { choice: 'high' }, { choice: 'critical' }, SUBJECT),
    then: [
      ['corto', ['technical.descriptionTooShort', 'technical.askDescription']],
      ['asdfgh', ['fairUse.nonsense', 'technical.askDescription']],
      [DESCRIPTION, ['technical.askSteps']],
      ['omitir', ['technical.askAttachments']],
      ['omitir', ['case.opened', 'case.outsideOfficeHours', 'visit.askSlot']],
      [{ event: 'timer.chatLimit' }, ['chatLimit.reached', 'chatLimit.continuesInCase']],
    ],
    end: { closed: 'chat-limit' },
  },
  {
    name: 'technical.choosingSlot',
    question: 'visit.askSlot',
    reach: (o) =>
      after(
        atSeverity(o),
        { choice: 'high' },
        { choice: 'critical' },
        SUBJECT,
        DESCRIPTION,
        'Encenderlo y esperar dos minutos',
        { choice: 'done' },
      ),
    then: [
      [{ choice: 'slot-2' }, ['visit.askAttendant']],
      [
        'Rosa Díaz',
        [
          'visit.dutiesDocuments',
          'visit.preparationSteps',
          'visit.manufacturerRequirements',
          'visit.tolerance',
          'visit.folioConfirmed',
          'common.askAnythingElse',
        ],
      ],
      // Issue 13: a finished request asks "¿algo más?".
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'technical.askingAttendant',
    question: 'visit.askAttendant',
    reach: (o) =>
      after(
        atSeverity(o),
        { choice: 'medium' },
        { choice: 'medium' },
        SUBJECT,
        DESCRIPTION,
        { choice: 'skip' },
        { choice: 'skip' },
        { choice: 'slot-1' },
      ),
    then: [
      [
        { choice: 'me' },
        [
          'visit.dutiesDocuments',
          'visit.preparationSteps',
          'visit.manufacturerRequirements',
          'visit.tolerance',
          'visit.folioConfirmed',
          'common.askAnythingElse',
        ],
      ],
      // Issue 13: a finished request asks "¿algo más?".
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'technical.confirmingFinished',
    question: 'technical.askCaseFinished',
    reach: (o) =>
      after(
        atPowerCheck(o),
        { choice: 'yes' },
        { choice: 'yes' },
        { choice: 'done' },
        { choice: 'yes' },
      ),
    then: [
      [{ choice: 'no' }, ['technical.caseStaysOpen', 'handoff.queued', 'handoff.contactCentre']],
      [
        { event: 'agent.release', caseNumber: 'AT-2026-000001' },
        ['handoff.released', 'triage.ask'],
      ],
    ],
    end: { waitingAt: 'triage.ask' },
  },
  {
    name: 'request.choosingDelivery',
    question: 'invoice.askChannel',
    reach: (o) => after(atTriage(o), { choice: 'invoice' }, CODE, 'Necesito la factura de febrero'),
    then: [
      [{ choice: 'postal' }, ['invoice.askPostalAddress']],
      // Stored before issue 12, unproven: the gate before the registration asks for the code.
      ['Calle Durango 10, CP 06600, CDMX', CODE_ASKED],
      [CODE, ['proof.proven', 'request.registered', 'common.askAnythingElse']],
      ['sí', ['triage.ask']],
    ],
    end: { waitingAt: 'triage.ask' },
  },
  {
    name: 'cancellation.confirming',
    question: 'cancellation.askConfirm',
    reach: (o) => after(atTriage(o), 'cancelar', CODE),
    then: [
      // Stored before issue 12, unproven: the gate before the registration asks for the code.
      ['sí', CODE_ASKED],
      [CODE, ['proof.proven', 'cancellation.registered', 'common.askAnythingElse']],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'prospect.askingAddress',
    question: 'prospect.askAddress',
    reach: (o) => after(atTriage(o), { choice: 'newService' }),
    then: [
      [
        'Calle Durango 10, CP 06600, CDMX',
        ['prospect.covered', 'prospect.registered', 'common.askAnythingElse'],
      ],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'followUp.choosingCase',
    question: 'followUp.askCase',
    options: {
      openCases: [
        openCase({ lastContactAt: '2026-03-02T10:00:00.000Z' }),
        openCase({ number: 'AT-2026-000051' as CaseNumber, subject: 'Impresora' }),
      ],
    },
    reach: (o) => after(atTriage(o), { choice: 'followUp' }, CODE),
    then: [
      // Stored before issue 12, unproven: the gate after the choice asks for the code.
      ['1', CODE_ASKED],
      [CODE, ['proof.proven', 'followUp.status', 'followUp.recorded', 'common.askAnythingElse']],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'survey.askingScore',
    question: 'survey.askScore',
    reach: (o) =>
      after(
        atPowerCheck(o),
        { choice: 'yes' },
        { choice: 'yes' },
        { choice: 'done' },
        { choice: 'yes' },
        { choice: 'yes' },
      ),
    then: [
      ['4', ['survey.askComment']],
      [{ choice: 'skip' }, ['survey.thanks', 'common.askAnythingElse']],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
  {
    name: 'anythingElse',
    question: 'common.askAnythingElse',
    reach: (o) => after(atTriage(o), 'duda', '¿Mi plan incluye soporte en sábado?'),
    then: [
      ['sí', ['triage.ask']],
      ['persona', ['handoff.queued', 'handoff.contactCentre']],
    ],
    end: { waitingAt: 'handoff.contactCentre' },
  },
  {
    name: 'handoff.waiting',
    question: 'handoff.contactCentre',
    reach: (o) => after(atPowerCheck(o), 'Quiero hablar con una persona, por favor'),
    then: [
      ['¿siguen ahí?', ['handoff.stillQueued']],
      [{ event: 'agent.release' }, ['handoff.released', 'triage.ask']],
      ['cancelar', CODE_ASKED],
      [CODE, ['proof.proven', 'cancellation.askConfirm']],
      ['sí', ['cancellation.registered', 'common.askAnythingElse']],
      ['no', ['common.goodbye']],
    ],
    end: { closed: 'done' },
  },
];
