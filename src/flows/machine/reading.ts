/**
 * Reading the customer's events: the answer to the question waiting, the language named, the
 * text and attachments, cleaned. Pure functions of the context and the event.
 */
import type { Attachment } from '../../domain/cases/case.ts';
import { cleanText } from '../../domain/text.ts';
import type { Language } from '../../domain/types.ts';
import { isLanguage } from '../../domain/types.ts';
import type { ConversationContext } from '../context.ts';
import type { FlowEvent } from '../contract.ts';
import {
  MAX_DESCRIPTION_CHARS,
  MAX_SHORT_CHARS,
  asksForPerson,
  equipmentNamed,
  matchChoice,
  namedLanguage,
  writtenLanguage,
} from '../understanding.ts';
import { isOffensive, withoutInterjections } from '../fair-use/index.ts';

// Each `chose(id)` guard of a question asks for the same answer: read each message once.
const read = new WeakMap<FlowEvent, { question: unknown; language: string; id: string | null }>();

/** The customer's answer to the question waiting, as a choice id, or null. */
export function answerOf(context: ConversationContext, event: FlowEvent): string | null {
  const choices = context.question?.choices ?? [];
  if (event.type === 'customer.choice') {
    return choices.some((c) => c.id === event.choice) ? event.choice : null;
  }
  if (event.type !== 'customer.text') return null;
  const known = read.get(event);
  if (known && known.question === context.question && known.language === context.language) {
    return known.id;
  }
  const country = offenceCountryOf(context);
  // R001-8: swearing aimed at nobody is not an insult, and not part of the answer either.
  const id = isOffensive(event.text, country)
    ? null
    : matchChoice(withoutInterjections(event.text, country), choices, context.language, event.at);
  read.set(event, { question: context.question, language: context.language, id });
  return id;
}

/** The language the customer picked (`lang.xx` choice, its option number, or its name). */
export function languageOf(context: ConversationContext, event: FlowEvent): Language | null {
  const id = event.type === 'customer.choice' ? event.choice : answerOf(context, event);
  if (id?.startsWith('lang.')) {
    const lang = id.slice(5);
    return isLanguage(lang) ? lang : null;
  }
  return event.type === 'customer.text' ? namedLanguage(event.text) : null;
}

/**
 * The language a customer who chose none writes in (no hint from the network): their first
 * words, read by the words only one language has; null when unsure or already chosen.
 */
export function writtenLanguageOf(context: ConversationContext, event: FlowEvent): Language | null {
  if (context.languageChosen || event.type !== 'customer.text') return null;
  const language = writtenLanguage(event.text);
  return language === context.language ? null : language;
}

/**
 * The country whose offensive-language lists apply (R001-8): the customer's, or the one a
 * prospect named; null (every country's lists) while unknown.
 */
export function offenceCountryOf(context: ConversationContext): string | null {
  return context.customer?.country ?? context.prospectCountry ?? null;
}

/**
 * An answer for the conversation region to read: not an insult (R001-8), not a request for a
 * human, not a language asked for — the clock region handles these in any state, never as an
 * answer. An interjection aimed at nobody ("¡carajo, no prende!") is an answer like any other.
 */
export function isCivilEvent(event: FlowEvent, country: string | null = null): boolean {
  return (
    event.type !== 'customer.text' ||
    (!isOffensive(event.text, country) &&
      !asksForPerson(event.text) &&
      namedLanguage(event.text) === null)
  );
}

/** The text of the event as typed ('' for a choice): for checks that must see markup. */
export function typedText(event: FlowEvent): string {
  return event.type === 'customer.text' ? event.text : '';
}

/** The text of the event, cleaned and cut to `max` characters ('' for a choice). */
export function textOf(event: FlowEvent, max = MAX_DESCRIPTION_CHARS): string {
  return event.type === 'customer.text' ? cleanText(event.text, max) : '';
}

/** The files sent with a text, cleaned (at most 20). */
export function attachmentsOf(event: FlowEvent): Attachment[] {
  if (event.type !== 'customer.text' || !Array.isArray(event.attachments)) return [];
  return event.attachments
    .filter((a) => a && typeof a.url === 'string')
    .slice(0, 20)
    .map((a) => ({
      name: cleanText(a.name, MAX_SHORT_CHARS),
      contentType: cleanText(a.contentType, 100),
      url: cleanText(a.url, 2_000),
    }));
}

/**
 * The customer's equipment the answer names: chosen from the list, its serial typed, or named
 * by type, brand or place ("la impresora", "la HP", "el de recepción").
 */
export function equipmentAnswered(context: ConversationContext, event: FlowEvent) {
  const equipment = context.customer?.equipment ?? [];
  const id = answerOf(context, event);
  const chosen = equipment.find((e) => e.serial === id);
  if (chosen || id !== null || event.type !== 'customer.text') return chosen;
  return equipmentNamed(textOf(event, MAX_SHORT_CHARS), equipment, context.language);
}
