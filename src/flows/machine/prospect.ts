/**
 * R004-6: a prospect — country and address, coverage checked and told, the contact registered
 * as a case for sales (or, without coverage, for the technical area to check).
 */
import { priorityFromFairUse } from '../../domain/policy/index.ts';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import { COUNTRY_CHOICES } from '../choices.ts';
import type { ConversationSetup } from './actions.ts';
import { ask, menu, question, reask, say } from './builders.ts';
import { openCaseInput } from './case-request.ts';
import { countryOf } from './facts.ts';
import { tellingOfficeHours } from './office-hours.ts';
import { TO } from './targets.ts';

/** The `prospect` state: country, address, coverage, the contact registered (R004-6). */
export function prospect(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    initial: 'checkingCountry',
    states: {
      // A customer's country is on record: never asked.
      checkingCountry: {
        always: [{ guard: 'hasCustomer', target: 'askingAddress' }, { target: 'choosingCountry' }],
      },
      choosingCountry: menu('prospect.askCountry', COUNTRY_CHOICES, {
        target: 'askingAddress',
        actions: 'takeCountry',
      }),
      askingAddress: question(
        ask('prospect.askAddress'),
        [
          { guard: 'isNonsense', actions: reask('fairUse.nonsense') },
          { guard: 'isPlace', target: 'checkingCoverage', actions: 'takeAddress' },
        ],
        { hint: 'prospect.addressNotUnderstood' },
      ),
      checkingCoverage: {
        invoke: {
          src: 'checkCoverage',
          input: ({ context }) => ({
            country: countryOf(context),
            address: context.address ?? '',
          }),
          onDone: {
            target: 'answering',
            actions: { type: 'rememberCoverage', params: ({ event }) => event.output },
          },
          onError: TO.failure,
        },
      },
      answering: {
        always: [
          {
            guard: 'isCovered',
            target: 'collecting',
            actions: say('prospect.covered', (c) => ({ city: c.coveredCity ?? c.address ?? '' })),
          },
          { target: 'collecting', actions: say('prospect.notCovered') },
        ],
      },
      // Someone not identified gives name, e-mail and phone first.
      collecting: {
        always: [{ guard: 'isAnonymous', target: TO.contactDetails }, { target: 'openingCase' }],
      },
      openingCase: {
        invoke: {
          src: 'openCase',
          input: ({ context }) =>
            openCaseInput(context, policy, { priority: priorityFromFairUse('low', policy) }),
          onDone: {
            target: 'tellingOfficeHours',
            actions: [
              { type: 'rememberCase', params: ({ event }) => event.output },
              say('prospect.registered', (c) => ({ caseNumber: c.caseNumber ?? '' })),
            ],
          },
          onError: TO.failure,
        },
      },
      // R003-2: sales call back in office hours; out of hours the prospect is told when.
      // Issue 13: then "anything else?", as after every finished request.
      tellingOfficeHours: tellingOfficeHours(policy, TO.anythingElse),
    },
  });
}
