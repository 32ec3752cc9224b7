/**
 * What the flows read off the context besides the answer: where the customer is (country and
 * time zone), who is talking, how names are said, and the follow-up wait.
 */
import type { CaseNumber } from '../../domain/cases/case.ts';
import type { Contact, Country } from '../../domain/types.ts';
import { followUpAllowed } from '../../domain/policy/index.ts';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import type { ConversationContext } from '../context.ts';
import type { CaseView, PersonSuspension } from '../contract.ts';
import { namedPerson } from '../../domain/customers/customer.ts';
import { labelText } from '../understanding.ts';

type Ctx = ConversationContext;

/**
 * No case yet. The states that call a service about a case follow its opening (or the choice
 * of a case to follow), so this is never sent; were it sent, the domain would answer as for an
 * unknown case and the flow would hand off.
 */
const NO_CASE = '' as CaseNumber;

/** The case this conversation opened or joined: what closing, the visit and the survey are about. */
export function currentCase(context: Ctx): CaseNumber {
  return context.caseNumber ?? NO_CASE;
}

/** The case the customer asked to follow up (R001-6, R001-9). */
export function followedCase(context: Ctx): CaseNumber {
  return context.followUpCase?.number ?? NO_CASE;
}

/** Reply parameters: i18n interpolation values. */
export type Params = Record<string, string | number>;

/** The time zone instants are told in: the customer's, or the prospect's country's. */
export function timeZoneOf(context: Ctx, policy: PolicyConfig): string {
  if (context.customer) return context.customer.timeZone;
  const country = context.prospectCountry ?? 'MX';
  return policy.countries[country]?.timeZone ?? 'America/Mexico_City';
}

/** The `timeZone` parameter of every reply that tells an instant. */
export function zoneParams(context: Ctx, policy: PolicyConfig): Params {
  return { timeZone: timeZoneOf(context, policy) };
}

/** The country a request is about: the customer's, or the prospect's (Mexico by default). */
export function countryOf(context: Ctx): Country {
  return context.customer?.country ?? context.prospectCountry ?? 'MX';
}

/** Where a visit or office hours are looked up: the customer's country, zone and now. */
export function whereAndWhen(context: Ctx, policy: PolicyConfig) {
  return { country: countryOf(context), timeZone: timeZoneOf(context, policy), at: context.lastAt };
}

/**
 * R001-11: the suspension of the person talking — read at session start, or with the customer
 * at identification — if any.
 */
export function personSuspensionOf(context: Ctx): PersonSuspension | null | undefined {
  return context.personSuspension ?? context.customer?.personSuspension;
}

/** The first name, as the bot greets people. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

/** The customer's name as a sentence ends with it: "S.A. de C.V." would end it twice. */
export function companyName(context: Ctx): string {
  return (context.customer?.name ?? '').replace(/\.+$/, '');
}

/** The contract a request is about: the one chosen, or the customer's first. */
export function contractOf(context: Ctx): string {
  return context.contractNumber ?? context.customer?.contractNumbers[0] ?? '';
}

/** R002-1: the contact-centre phone of the customer's country, when the country is known. */
export function contactCentrePhone(context: Ctx): string | null {
  const country = context.customer?.country ?? context.prospectCountry;
  return country ? labelText(context.language, `contactCentre.${country}`) : null;
}

/**
 * The record's person (primary contact or authorised) the customer was found by — the e-mail
 * or phone looked up, or the network's phone — if any.
 */
export function knownContact(context: Ctx): Contact | undefined {
  const c = context.customer;
  if (!c) return undefined;
  const probe = {
    email: context.lookup?.by === 'email' ? context.lookup.value : '',
    phone: context.lookup?.by === 'phone' ? context.lookup.value : (context.inputPhone ?? ''),
  };
  return namedPerson(c, probe) ?? undefined;
}

/** R001-6 / R001-9: the last instant that starts the follow-up wait. */
function followUpReference(c: CaseView): string {
  if (c.followUpToldAt && Date.parse(c.followUpToldAt) > Date.parse(c.lastContactAt)) {
    return c.followUpToldAt;
  }
  return c.lastContactAt;
}

/** R001-6: whether a follow-up may be asked now, and the minutes left if not. */
export function followUpWait(context: Ctx, policy: PolicyConfig) {
  const c = context.followUpCase;
  if (!c) return { allowed: true, waitMinutes: 0 };
  return followUpAllowed(new Date(followUpReference(c)), new Date(context.lastAt), policy);
}

/**
 * Issue 12: whether the network verified a phone (WhatsApp's sender) that is a person of the
 * account (R000-7's named persons and the primary contact): that proves the account.
 */
export function hasVerifiedPhoneOfAccount(context: Ctx): boolean {
  const phone = context.inputPhone ?? '';
  return (
    context.customer !== null &&
    phone.replace(/\D/g, '').length >= 8 &&
    namedPerson(context.customer, { phone }) !== null
  );
}

/**
 * Issue 12: whether this session proved the account it speaks for (a code sent to the
 * record's e-mail, or the network's verified phone). Identification alone never does; a
 * snapshot stored before issue 12 has no proof.
 */
export function isProven(context: Ctx): boolean {
  const proof = context.proof;
  return proof != null && proof.accountNumber === context.customer?.accountNumber;
}
