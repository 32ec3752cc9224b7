/** Name, e-mail and phone of the person talking (R004-1, R002-2 E), each validated. */
import type { ConversationSetup } from './actions.ts';
import { ask, question } from './builders.ts';
import { TO } from './targets.ts';

/** The `contactDetails` state: name, e-mail, phone, then back to the identified customer or the prospect's case. */
export function contactDetails(s: ConversationSetup) {
  return s.createStateConfig({
    initial: 'askingName',
    states: {
      askingName: question(
        ask('contact.askName'),
        [{ guard: 'isName', target: 'askingEmail', actions: 'takeName' }],
        { hint: 'contact.invalidName' },
      ),
      askingEmail: question(
        ask('contact.askEmail'),
        [{ guard: 'isEmail', target: 'checkingPhone', actions: 'takeEmail' }],
        { hint: 'contact.invalidEmail' },
      ),
      // The network's phone (WhatsApp) is used instead of asking it.
      checkingPhone: {
        always: [
          { guard: 'hasInputPhone', target: 'complete', actions: 'takeInputPhone' },
          { target: 'askingPhone' },
        ],
      },
      askingPhone: question(
        ask('contact.askPhone'),
        [{ guard: 'isPhone', target: 'complete', actions: 'takePhone' }],
        { hint: 'contact.invalidPhone' },
      ),
      complete: {
        always: [
          { guard: 'isProspect', target: TO.prospectCase },
          { target: TO.identified, actions: 'matchNamedPerson' },
        ],
      },
    },
  });
}
