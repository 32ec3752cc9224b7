/**
 * The first message and identification (R004-1): customer or account number (or e-mail or
 * phone) looked up; the customer's standing (R001-11 suspended, R003-1 served by a
 * distributor); who is talking, confirmed rather than asked when the record knows. Identifying
 * proves nothing (issue 12): only a phone the network verified proves the account here; else
 * the gates before account data and changes ask for a code (`account-proof.ts`).
 */
import { LANGUAGE_CHOICES, UNKNOWN_CUSTOMER_CHOICES } from '../choices.ts';
import type { ConversationSetup } from './actions.ts';
import { AWAITING, ask, chose, question, reask, say, yesNo } from './builders.ts';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import { companyName, firstName, personSuspensionOf, timeZoneOf } from './facts.ts';
import { TO } from './targets.ts';

/**
 * R001-11: this person is suspended for their own words (whatever account they name, whatever
 * way in they take): told until when, or that it is for good, and the session ends.
 */
export function refusingSuspendedPerson(policy: PolicyConfig, stamp = false) {
  const stamped = stamp ? (['stamp'] as const) : ([] as const);
  return [
    {
      guard: 'isPersonSuspendedForGood' as const,
      target: TO.closedSuspended,
      actions: [...stamped, say('fairUse.stillSuspendedPermanently')],
    },
    {
      guard: 'isPersonSuspended' as const,
      target: TO.closedSuspended,
      actions: [
        ...stamped,
        say('fairUse.stillSuspended', (c) => ({
          until: personSuspensionOf(c)?.until ?? '',
          timeZone: timeZoneOf(c, policy),
        })),
      ],
    },
  ];
}

/** The first customer event: a language, an identifier, or just "hola". */
export function starting(s: ConversationSetup) {
  return s.createStateConfig({
    tags: AWAITING,
    on: {
      'customer.*': [
        // Issue 13: known from the session before: its account looked up again (its standing
        // may have changed), the contact not asked again, the message kept for triage.
        { guard: 'isReturning', target: 'identification.lookingUp', actions: 'keepText' },
        {
          guard: 'namesLanguage',
          target: 'identification.askingIdentifier',
          actions: ['chooseLanguage', 'announceLanguage', say('welcome.greeting')],
        },
        // Issue 13: the first message is kept, for triage to read once the customer is known.
        {
          guard: 'hasIdentifier',
          target: 'identification.lookingUp',
          actions: ['takeIdentifier', 'keepText', say('welcome.greeting')],
        },
        // R004-6: "no soy cliente, quiero contratar": the prospect flow, no identifier asked.
        {
          guard: 'talksAsProspect',
          target: TO.prospect,
          actions: [say('welcome.greeting'), 'becomeProspect'],
        },
        {
          target: 'identification.askingIdentifier',
          actions: ['keepText', say('welcome.greeting')],
        },
      ],
    },
  });
}

/** The `identification` state: identifier, lookup, standing, who is talking (R004-1). */
export function identification(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    initial: 'askingIdentifier',
    states: {
      askingIdentifier: question(
        ask('identification.askIdentifier', LANGUAGE_CHOICES),
        [
          {
            guard: 'namesLanguage',
            target: 'askingIdentifier',
            reenter: true,
            actions: ['chooseLanguage', 'announceLanguage'],
          },
          { guard: 'hasIdentifier', target: 'lookingUp', actions: 'takeIdentifier' },
          { guard: 'talksAsProspect', target: TO.prospect, actions: 'becomeProspect' },
          // Issue 13: not an identifier, maybe what they need ("mi módem no tiene luces"): kept.
          { guard: 'isCivil', actions: ['keepText', reask('identification.notUnderstood')] },
        ],
        { hint: null },
      ),
      lookingUp: {
        invoke: {
          src: 'findCustomer',
          input: ({ context }) => ({
            ...(context.lookup ?? { by: 'account' as const, value: '' }),
            // R001-11: who is asking, so the person's own suspension is found (unless read
            // at session start already: one read per session).
            ...(context.personSuspension === undefined
              ? { person: { conversationId: context.conversationId, phone: context.inputPhone } }
              : {}),
          }),
          onDone: [
            {
              guard: { type: 'isFound', params: ({ event }) => event.output },
              target: 'checkingStanding',
              actions: [
                // Found: `isFound` above says the output is a customer.
                { type: 'rememberCustomer', params: ({ event }) => event.output! },
                'announceRecordLanguage',
              ],
            },
            { target: 'unknown', actions: 'countLookup' },
          ],
          onError: TO.failure,
        },
      },
      unknown: question(
        ask('identification.unknown.ask', UNKNOWN_CUSTOMER_CHOICES),
        [
          { guard: 'hasIdentifier', target: 'lookingUp', actions: 'takeIdentifier' },
          { guard: chose('retry'), target: 'askingIdentifier' },
          { guard: chose('newCustomer'), target: TO.prospect, actions: 'becomeProspect' },
          {
            guard: chose('person'),
            target: TO.handoff,
            actions: { type: 'handOffBecause', params: { reason: 'unknown-customer' } },
          },
        ],
        { before: [say('identification.notFound')] },
      ),
      checkingStanding: {
        always: [
          ...refusingSuspendedPerson(policy),
          // R001-11: support is suspended for this customer's account (an administrative decision).
          {
            guard: 'isSuspended',
            target: TO.closedSuspended,
            actions: [say('identification.suspended')],
          },
          // R003-1: served through the distributor.
          {
            guard: 'isServedByDistributor',
            target: TO.closedDone,
            actions: say('identification.servedByDistributor', (c) => ({
              name: c.customer?.distributor?.name ?? '',
              phone: c.customer?.distributor?.phone ?? '',
              email: c.customer?.distributor?.email ?? '',
            })),
          },
          { guard: 'isReturning', target: 'confirmed' },
          { guard: 'isContactKnown', target: 'confirmed', actions: 'adoptKnownContact' },
          { target: 'askingIsPrimary' },
        ],
      },
      // Never ask what the record answers: confirm the primary contact with yes/no.
      askingIsPrimary: yesNo(
        'identification.askIsPrimary',
        {
          yes: { target: 'confirmed', actions: 'adoptPrimaryContact' },
          no: { target: TO.contactDetails, actions: 'clearContact' },
        },
        {
          params: (c) => ({
            name: c.customer?.primaryContact.name ?? '',
            company: companyName(c),
          }),
        },
      ),
      confirmed: {
        entry: [
          'judgeStanding',
          'acceptVerifiedPhone',
          'announceIdentified',
          say('identification.welcome', (c) => ({
            name: firstName(c.contact.name),
            company: companyName(c),
          })),
        ],
        always: [
          {
            guard: 'isNotAuthorised',
            target: TO.triage,
            actions: say('identification.notAuthorised'),
          },
          {
            guard: 'hasPaymentsPending',
            target: TO.triage,
            actions: say('identification.paymentsPending'),
          },
          { target: TO.triage },
        ],
      },
    },
  });
}
