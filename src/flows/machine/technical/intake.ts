/**
 * The intake of a fault not solved at first level: severity and urgency as defined, priority
 * from the matrix (R002-3); a concrete subject (R001-2), the error and the steps to reproduce
 * it (R001-4), no nonsense (R001-10), files welcome (R001-3). The case is opened and told
 * (R002-4), or joined to the one already open (R001-5); outside office hours all the same,
 * saying when humans are back (R003-2).
 */
import type { PolicyConfig } from '../../../domain/policy/index.ts';
import { ATTACHMENT_CHOICES, SEVERITY_CHOICES, SKIP, URGENCY_CHOICES } from '../../choices.ts';
import type { ConversationSetup } from '../actions.ts';
import { NONSENSE, ask, chose, menu, question, reask, say } from '../builders.ts';
import { openCaseInput } from '../case-request.ts';
import { zoneParams } from '../facts.ts';
import { officeHoursInput, sayHours } from '../office-hours.ts';
import { readingSaid } from '../said-states.ts';
import { TO } from '../targets.ts';

/** The intake steps of the `technical` state, from severity to the case announced. */
export function intake(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    states: {
      // R001-5: as soon as the equipment is known, an open case of the same matter (account,
      // type, category, equipment) is found and joined — not after the whole intake.
      checkingOpenCase: {
        always: [
          { guard: 'hasCustomer', target: 'listingOpenCases' },
          { target: 'afterEquipment' },
        ],
      },
      listingOpenCases: {
        invoke: {
          src: 'openCaseOfMatter',
          input: ({ context }) => ({
            accountNumber: context.customer?.accountNumber ?? null,
            contact: context.contact,
            type: context.caseType ?? 'technical-fault',
            category: context.category,
            equipmentSerial: context.equipmentSerial,
          }),
          onDone: [
            {
              guard: { type: 'isSameMatterOpen', params: ({ event }) => event.output },
              target: 'openingCase',
            },
            { target: 'afterEquipment' },
          ],
          onError: 'afterEquipment',
        },
      },
      // The record gives the location: confirmed; a serial typed: asked (R002-2 D).
      afterEquipment: {
        always: [
          { guard: 'hasEquipmentLocation', target: 'confirmingLocation' },
          { target: 'askingLocation' },
        ],
      },
      // R002-3: severity and urgency as defined; priority from the matrix. Issue 13: what the
      // first words said of them ("estamos parados", "no es urgente") is not asked again.
      readingSeverity: readingSaid('severity', 'readingUrgency', 'choosingSeverity'),
      choosingSeverity: menu('technical.askSeverity', SEVERITY_CHOICES, {
        target: 'readingUrgency',
        actions: 'takeSeverity',
      }),
      readingUrgency: readingSaid('urgency', 'afterUrgency', 'choosingUrgency'),
      choosingUrgency: menu('technical.askUrgency', URGENCY_CHOICES, {
        target: 'afterUrgency',
        actions: 'takeUrgency',
      }),
      // Issue 13, said once: the fault the first message described is the subject and the
      // description; only what it does not say (the steps, the files) is asked.
      afterUrgency: {
        always: [
          {
            guard: 'hasKeptDescription',
            target: 'askingSteps',
            actions: 'subjectFromDescription',
          },
          { target: 'askingSubject' },
        ],
      },
      // R001-2: a concrete subject; R001-10: no nonsense.
      askingSubject: question(
        ask('technical.askSubject'),
        [
          NONSENSE,
          { guard: 'isVagueSubject', actions: reask('technical.subjectTooVague') },
          { target: 'askingDescription', actions: ['takeSubject', 'keepAttachments'] },
        ],
        { hint: null },
      ),
      // R001-4: the error and the steps to reproduce it.
      askingDescription: question(
        ask('technical.askDescription'),
        [
          NONSENSE,
          {
            guard: 'isLongEnough',
            target: 'askingSteps',
            actions: ['takeDescription', 'keepAttachments'],
          },
          { actions: [reask('technical.descriptionTooShort'), 'keepAttachments'] },
        ],
        { hint: null },
      ),
      askingSteps: question(
        ask('technical.askSteps', SKIP),
        [
          { guard: chose('skip'), target: 'askingAttachments' },
          NONSENSE,
          { target: 'askingAttachments', actions: ['takeSteps', 'keepAttachments'] },
        ],
        { hint: null },
      ),
      // R001-3: images and files are welcome; skipping is allowed.
      askingAttachments: question(
        ask('technical.askAttachments', ATTACHMENT_CHOICES),
        [
          {
            guard: 'hasAttachments',
            actions: [
              'keepAttachments',
              say('technical.attachmentsReceived', (c) => ({ count: c.attachments.length })),
            ],
          },
          { guard: 'choseAnything', target: 'openingCase' },
        ],
        { hint: 'technical.attachmentsNotUnderstood' },
      ),
      openingCase: {
        invoke: {
          src: 'openCase',
          input: ({ context }) => openCaseInput(context, policy),
          onDone: {
            target: 'announcingCase',
            actions: { type: 'rememberCase', params: ({ event }) => event.output },
          },
          onError: TO.failure,
        },
      },
      // R002-4 / R001-5.
      announcingCase: {
        always: [
          {
            guard: 'isJoined',
            target: 'checkingOfficeHours',
            actions: say('case.joined', (c) => ({
              caseNumber: c.caseNumber ?? '',
              openedAt: c.caseOpenedAt ?? '',
              ...zoneParams(c, policy),
            })),
          },
          {
            target: 'checkingOfficeHours',
            actions: say('case.opened', (c) => ({
              caseNumber: c.caseNumber ?? '',
              openedAt: c.caseOpenedAt ?? '',
              priority: c.priority ?? '',
              ...zoneParams(c, policy),
            })),
          },
        ],
      },
      // R003-2: outside office hours the case is opened all the same.
      checkingOfficeHours: {
        invoke: {
          src: 'officeHours',
          input: ({ context }) => officeHoursInput(context, policy),
          onDone: [
            {
              guard: { type: 'isOfficeClosed', params: ({ event }) => event.output },
              target: 'afterCase',
              actions: [
                { type: 'rememberOfficeHours', params: ({ event }) => event.output },
                sayHours('case.outsideOfficeHours', policy, (c) => ({
                  dueAt: c.firstContactDue ?? '',
                })),
              ],
            },
            { target: 'afterCase' },
          ],
          onError: 'afterCase',
        },
      },
      afterCase: {
        always: [
          // R001-5: the open case already carries this matter (and its visit).
          { guard: 'isJoined', target: TO.anythingElse },
          { target: 'proposingSlots' },
        ],
      },
    },
  });
}
