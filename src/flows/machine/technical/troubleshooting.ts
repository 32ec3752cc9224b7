/**
 * First-level troubleshooting (R004-3, R001-0, R002-2): the category and the equipment, outside
 * causes ruled out, then power → on → restart → verify. Solved: a case is opened and, once the
 * customer confirms it is finished (R000-12), closed; the survey follows. Not solved: remote
 * access is offered as a last resort (R003-9) and the intake starts.
 */
import { priorityFromFairUse } from '../../../domain/policy/index.ts';
import type { PolicyConfig } from '../../../domain/policy/index.ts';
import { CATEGORY_CHOICES } from '../../choices.ts';
import type { ConversationSetup } from '../actions.ts';
import { ask, chose, doneNotYet, menu, question, say, yesNo } from '../builders.ts';
import { openCaseInput, triedTag } from '../case-request.ts';
import { currentCase } from '../facts.ts';
import { readingSaid } from '../said-states.ts';
import { TO } from '../targets.ts';

/** Goes on to `target`, noting the first-level step taken (R001-4). */
function step(target: string, taken: string) {
  return { target, actions: { type: 'noteStep' as const, params: { step: taken } } };
}

/** The troubleshooting steps of the `technical` state, from category to a solved case closed. */
export function troubleshooting(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    states: {
      // Issue 13: "la impresora no imprime" named the platform: not asked again.
      readingCategory: readingSaid('category', 'pickingEquipment', 'choosingCategory'),
      choosingCategory: menu('technical.askCategory', CATEGORY_CHOICES, {
        target: 'pickingEquipment',
        actions: 'takeCategory',
      }),
      pickingEquipment: {
        always: [
          { guard: 'hasEquipment', target: 'choosingEquipment' },
          { target: 'askingSerial' },
        ],
      },
      choosingEquipment: question(
        ask('technical.askEquipment', (c) => [
          ...(c.customer?.equipment ?? []).map((e) => ({
            id: e.serial,
            key: 'technical.equipmentOption',
            params: { serial: e.serial, description: e.description },
          })),
          { id: 'other', key: 'technical.equipmentOther' },
        ]),
        [
          { guard: 'isKnownSerial', target: 'checkingOpenCase', actions: 'takeEquipment' },
          { guard: chose('other'), target: 'askingSerial' },
          { guard: 'isSerial', target: 'checkingOpenCase', actions: 'takeTypedSerial' },
        ],
        { hint: 'technical.equipmentNotUnderstood' },
      ),
      askingSerial: question(
        ask('technical.askSerial'),
        [
          { guard: 'isKnownSerial', target: 'checkingOpenCase', actions: 'takeEquipment' },
          { guard: 'isSerial', target: 'checkingOpenCase', actions: 'takeTypedSerial' },
        ],
        { hint: 'technical.serialNotUnderstood' },
      ),
      // R002-2 D: the record gives the location; confirm it rather than ask it.
      confirmingLocation: yesNo(
        'technical.confirmLocation',
        { yes: 'rulingOutExternal', no: 'askingLocation' },
        {
          params: (c) => ({
            serial: c.equipmentSerial ?? '',
            location: c.equipmentLocation ?? '',
          }),
        },
      ),
      askingLocation: question(
        ask('technical.askLocation'),
        [{ guard: 'isPlace', target: 'rulingOutExternal', actions: 'takeLocation' }],
        { hint: 'technical.locationNotUnderstood' },
      ),
      // R001-0: outside causes first (internet provider, Outlook, Windows).
      rulingOutExternal: yesNo('technical.askExternalRuledOut', {
        yes: 'confirmingPower',
        no: 'checkingExternal',
      }),
      checkingExternal: yesNo(
        'technical.askIsExternal',
        {
          yes: { target: TO.anythingElse, actions: say('technical.externalCause') },
          no: 'confirmingPower',
        },
        { before: [say('technical.howToRuleOutExternal')] },
      ),
      // R004-3: power → on → restart → verify.
      // R001-4: every step and its answer is noted for the case ("power: no", "plugged in").
      confirmingPower: yesNo('technical.askPower', {
        yes: step('confirmingOn', 'power: yes'),
        no: step('awaitingPlugIn', 'power: no'),
      }),
      awaitingPlugIn: doneNotYet('technical.askPlugIn', step('confirmingPower', 'plugged in')),
      confirmingOn: yesNo('technical.askOn', {
        yes: step('awaitingRestart', 'on: yes'),
        no: step('awaitingTurnOn', 'on: no'),
      }),
      awaitingTurnOn: doneNotYet('technical.askTurnOn', step('confirmingOn', 'turned on')),
      awaitingRestart: doneNotYet('technical.askRestart', step('verifying', 'restarted')),
      verifying: yesNo('technical.askWorksNow', {
        yes: step('openingSolvedCase', 'works now: yes'),
        no: step('checkingRemote', 'works now: no'),
      }),
      // R003-9: remote access is a last resort, only with the customer's consent.
      checkingRemote: {
        always: [
          { guard: 'isRemoteCategory', target: 'askingRemoteConsent' },
          { target: 'readingSeverity' },
        ],
      },
      askingRemoteConsent: yesNo('technical.askRemoteConsent', {
        yes: {
          target: 'readingSeverity',
          actions: { type: 'takeRemoteConsent', params: { consent: true } },
        },
        no: {
          target: 'readingSeverity',
          actions: { type: 'takeRemoteConsent', params: { consent: false } },
        },
      }),
      // R004-3: solved at first level — a case opened; R000-12: the customer confirms it is
      // finished before it is closed and the survey starts.
      openingSolvedCase: {
        invoke: {
          src: 'openCase',
          input: ({ context }) =>
            openCaseInput(context, policy, {
              description: `${context.said ?? 'solved at first level'}${triedTag(context)}`,
              priority: priorityFromFairUse('medium', policy),
              // Not yet: the closure records it once the customer confirms (R000-12).
              solvedAtFirstLevel: false,
              awaitsConfirmation: true,
            }),
          onDone: {
            target: 'confirmingFinished',
            actions: { type: 'rememberCase', params: ({ event }) => event.output },
          },
          onError: TO.failure,
        },
      },
      confirmingFinished: yesNo(
        'technical.askCaseFinished',
        {
          yes: 'closingSolvedCase',
          no: {
            target: TO.handoff,
            actions: [
              say('technical.caseStaysOpen', (c) => ({ caseNumber: c.caseNumber ?? '' })),
              { type: 'handOffBecause', params: { reason: 'case-not-finished' } },
            ],
          },
        },
        { params: (c) => ({ caseNumber: c.caseNumber ?? '' }) },
      ),
      closingSolvedCase: {
        invoke: {
          src: 'closeCase',
          input: ({ context }) => ({
            caseNumber: currentCase(context),
            solvedAtFirstLevel: true,
            verifiedWith: context.contact.name,
          }),
          onDone: {
            target: TO.survey,
            actions: say('technical.solvedAtFirstLevel', (c) => ({
              caseNumber: c.caseNumber ?? '',
            })),
          },
          onError: TO.failure,
        },
      },
    },
  });
}
