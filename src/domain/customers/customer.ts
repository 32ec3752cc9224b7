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
 * Normalises a phone number to digits with its country code, folding the historic mobile
 * prefixes that networks still send: Mexico's +52 1 and Argentina's +54 9.
 */
export function normalisePhone(phone: string): string {
  let digits = phone.replace(/[^\d]/g, '');
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (digits.startsWith('521') && digits.length === 13) digits = `52${digits.slice(3)}`;
  if (digits.startsWith('549') && digits.length === 13) digits = `54${digits.slice(3)}`;
  return digits;
}

/**
 * Whether a person may request, receive and accept closure of a service for this customer
 * (R000-7): anyone when no one is named, else only a named person (matched by e-mail or phone)
 * or the primary contact.
 */
export function isAuthorised(
  customer: Customer,
  person: { email?: string; phone?: string },
): boolean {
  if (customer.authorisedPersons.length === 0) return true;
  const email = person.email ? normaliseEmail(person.email) : undefined;
  const phone = person.phone ? normalisePhone(person.phone) : undefined;
  return [customer.primaryContact, ...customer.authorisedPersons].some(
    (contact) =>
      (email !== undefined && normaliseEmail(contact.email) === email) ||
      (phone !== undefined && phone.length > 0 && normalisePhone(contact.phone) === phone),
  );
}

/** Whether support is suspended for this customer at `now` (R001-11). */
export function isSuspended(customer: Customer, now: Date): boolean {
  return (
    customer.suspendedPermanently ||
    (customer.suspendedUntil !== null && customer.suspendedUntil > now)
  );
}
