/**
 * Issue 12: proving the account. Naming an account identifies it; it does not hand it over.
 * Before account data is shown or a cancellation, invoice or change is accepted (the gates,
 * `proofGate`), the person proves the account: a one-time code sent to the e-mail the account
 * has on record (masked when told), typed back here — or the network's verified phone, taken at
 * identification. A wrong code is re-asked with the tries left; an expired one offers another;
 * too many tries, too many codes, or no way to send one offer a person. Proven, the flow goes on
 * where the gate stood, and the session stays proven.
 */
import { CODE_CHOICES } from '../choices.ts';
import type { ConversationContext, ProofResume } from '../context.ts';
import type { CheckCodeOutput, SendCodeOutput } from '../contract.ts';
import { typedCode } from '../understanding.ts';
import type { ConversationSetup } from './actions.ts';
import { ask, chose, question, say, yesNo } from './builders.ts';
import { TO } from './targets.ts';

/** Where each gate goes on once the account is proven. */
const RESUME_AT: Record<ProofResume, string> = {
  followUp: TO.followUp,
  followUpCase: TO.followUpDeciding,
  invoice: TO.requestDescription,
  invoiceCase: TO.requestOpeningCase,
  cancellation: TO.cancellationContracts,
  cancellationConfirmed: TO.cancellationRegistering,
  visits: TO.visits,
};

/** The outcome of a check, as a guard on `checkAccountCode`'s output. */
const checked = (outcome: CheckCodeOutput['outcome']) => ({
  type: 'isCode' as const,
  params: ({ event }: { event: { output: CheckCodeOutput } }) => ({
    checked: event.output,
    outcome,
  }),
});

/** The minutes a code sent is valid for, as the customer is told. */
const validMinutes = (c: ConversationContext) =>
  Math.max(
    1,
    Math.round((Date.parse(c.codeSent?.expiresAt ?? c.lastAt) - Date.parse(c.lastAt)) / 60_000),
  );

/** `sendAccountCode` sent a code (`again`: this proof had sent one before): say `key`. */
const sent = (again: boolean, key: string) => ({
  guard: {
    type: 'isCodeSent' as const,
    params: ({ event }: { event: { output: SendCodeOutput } }) => ({ sent: event.output, again }),
  },
  target: 'askingCode',
  actions: [
    {
      type: 'rememberCodeSent' as const,
      params: ({ event }: { event: { output: SendCodeOutput } }) => event.output,
    },
    say(key, (c) => ({ maskedTo: c.codeSent?.maskedTo ?? '', minutes: validMinutes(c) })),
  ],
});

/** The `proof` state: a code sent, typed back and checked; then on where the gate stood. */
export function proof(s: ConversationSetup) {
  const unproven = {
    type: 'handOffBecause' as const,
    params: { reason: 'identity-unproven' as const },
  };
  return s.createStateConfig({
    initial: 'sendingCode',
    states: {
      sendingCode: {
        invoke: {
          src: 'sendAccountCode',
          input: ({ context }) => ({
            conversationId: context.conversationId,
            accountNumber: context.customer?.accountNumber ?? '',
            person: { email: context.contact.email, phone: context.contact.phone },
            language: context.language,
          }),
          onDone: [
            // A code sent again (asked for, or after one expired) says so: the last one is void.
            sent(true, 'proof.codeResent'),
            sent(false, 'proof.codeSent'),
            {
              guard: { type: 'isRateLimited', params: ({ event }) => event.output },
              target: 'offeringPerson',
              actions: say('proof.tooManyCodes'),
            },
            { target: 'offeringPerson', actions: say('proof.cannotSend') },
          ],
          onError: TO.failure,
        },
      },
      askingCode: question(
        ask('proof.askCode', CODE_CHOICES),
        [
          { guard: 'isTypedCode', target: 'checkingCode' },
          { guard: chose('resend'), target: 'sendingCode' },
          {
            guard: chose('noAccess'),
            target: TO.handoff,
            actions: [say('proof.noAccess'), unproven],
          },
        ],
        { hint: 'proof.codeNotUnderstood' },
      ),
      checkingCode: {
        invoke: {
          src: 'checkAccountCode',
          // The code typed is read off the event that brought the flow here: it is never kept
          // in the context, and so never in a stored snapshot.
          input: ({ context, event }) => ({
            conversationId: context.conversationId,
            accountNumber: context.customer?.accountNumber ?? '',
            codeId: context.codeSent?.id ?? '',
            code: event.type === 'customer.text' ? (typedCode(event.text) ?? '') : '',
          }),
          onDone: [
            {
              guard: checked('valid'),
              target: 'proven',
              actions: ['proveByCode', say('proof.proven')],
            },
            {
              guard: checked('wrong'),
              target: 'askingCode',
              actions: {
                type: 'say',
                params: ({ event }) => ({
                  key: 'proof.wrongCode',
                  params: {
                    triesLeft: event.output.outcome === 'wrong' ? event.output.triesLeft : 0,
                  },
                }),
              },
            },
            { guard: checked('expired'), target: 'askingCode', actions: say('proof.expired') },
            { target: 'offeringPerson', actions: say('proof.locked') },
          ],
          onError: TO.failure,
        },
      },
      // Without a proof the person can still report a fault or ask a doubt, or talk to a person.
      offeringPerson: yesNo('proof.offerPerson', {
        yes: { target: TO.handoff, actions: unproven },
        no: TO.anythingElse,
      }),
      proven: {
        always: [
          ...Object.entries(RESUME_AT).map(([resume, target]) => ({
            guard: { type: 'resumesAt' as const, params: { resume: resume as ProofResume } },
            target,
          })),
          { target: TO.triage },
        ],
      },
    },
  });
}
