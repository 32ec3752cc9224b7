import { namedPerson, type Customer } from '../customers/customer.ts';
import type { Contact } from '../types.ts';

/**
 * Whom an account code goes to (issue 12, R000-7): the person named on the account whom the
 * conversation says it is (matched by e-mail or phone against the record), else the primary
 * contact — always at the record's address, never at one typed in the conversation.
 */
export function codeRecipient(
  customer: Pick<Customer, 'primaryContact' | 'authorisedPersons' | 'country'>,
  person: { email?: string; phone?: string },
): Contact {
  return namedPerson(customer, person) ?? customer.primaryContact;
}
