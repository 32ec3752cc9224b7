import { phoneKey, phoneKeys } from '../phone.ts';
import type { Contact, Country, Language } from '../types.ts';

/** A piece of equipment under contract: what a technical case is about (R002-2 C, D). */
export interface Equipment {
  serial: string;
  description: string;
  /** Physical location of the equipment (R002-2 D). */
  location: string;
}

/** The distributor that serves a customer who contracted through it (R003-1). */
export interface Distributor {
  name: string;
  phone: string;
  email: string;
  /** When the distribution contract says the distributor serves its customers itself. */
  servesItsCustomers: boolean;
}

/** A customer account with its contracts and the people allowed to act for it. */
export interface Customer {
  accountNumber: string;
  contractNumbers: string[];
  /** Company or person name (R002-2 A). */
  name: string;
  country: Country;
  timeZone: string;
  language: Language;
  /** The one person who schedules, attends and verifies services (R000-1). */
  primaryContact: Contact;
  /** Persons authorised to request, receive and accept closure; empty = anyone (R000-7). */
  authorisedPersons: Contact[];
  distributor: Distributor | null;
  /** Service depends on payments being up to date (R003-7). */
  paymentsUpToDate: boolean;
  equipment: Equipment[];
  /** Fair-use standing (R001-8, R001-11). */
  abuseWarnings: number;
  suspendedUntil: Date | null;
  suspendedPermanently: boolean;
}

/** Normalises an e-mail address for comparison. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A phone number's matching key (see `phone.ts`): digits with the country code, national forms
 * read in `country` when given, Mexico's +52 1 and Argentina's +54 9 folded.
 */
export function normalisePhone(phone: string, country?: Country): string {
  return phoneKey(phone, country);
}

/** The people named on an account: its primary contact and its authorised persons. */
type NamedPeople = Pick<Customer, 'primaryContact' | 'authorisedPersons' | 'country'>;

/**
 * The person named on the account (primary contact or authorised person) who has this e-mail
 * or phone, or null; a phone written in its national form is read in the customer's country.
 */
export function namedPerson(
  customer: NamedPeople,
  person: { email?: string; phone?: string },
): Contact | null {
  const email = person.email ? normaliseEmail(person.email) : '';
  const phones = new Set(person.phone ? phoneKeys(person.phone, [customer.country]) : []);
  return (
    [customer.primaryContact, ...customer.authorisedPersons].find(
      (contact) =>
        (email !== '' && normaliseEmail(contact.email) === email) ||
        (phones.size > 0 && phones.has(phoneKey(contact.phone, customer.country))),
    ) ?? null
  );
}

/**
 * Whether a person may request, receive and accept closure of a service for this customer
 * (R000-7): anyone when no one is named, else only a named person (matched by e-mail or phone)
 * or the primary contact.
 */
export function isAuthorised(
  customer: NamedPeople,
  person: { email?: string; phone?: string },
): boolean {
  return customer.authorisedPersons.length === 0 || namedPerson(customer, person) !== null;
}

/** Whether support is suspended for this customer at `now` (R001-11). */
export function isSuspended(customer: Customer, now: Date): boolean {
  return (
    customer.suspendedPermanently ||
    (customer.suspendedUntil !== null && customer.suspendedUntil > now)
  );
}
