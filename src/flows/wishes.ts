/**
 * Two wishes read in any message while the customer waits for a person (issue 13): back to
 * the bot ("menú", "volver", "salir del chat con agente", "go back", "sair da fila"), and being
 * a prospect ("no soy cliente", "quiero contratar"), who belongs in the prospect flow (R004-6),
 * not in a queue. The words live in `locales/<lang>/understanding.json` (`backToBot`,
 * `prospect`), every language tried, so a company can add its own.
 */
import { cleanText, MAX_MESSAGE_CHARS } from '../domain/text.ts';
import { LANGUAGES } from '../domain/types.ts';
import { normalise, wordsOf } from './understanding.ts';

const lists = new Map<string, string[]>();
function list(name: string): string[] {
  let words = lists.get(name);
  if (!words) {
    words = LANGUAGES.flatMap((l) => wordsOf(l).words[name] ?? []).map(normalise);
    lists.set(name, words);
  }
  return words;
}

/** The message without courtesies around it ("hola", "por favor", "please"). */
function core(raw: string): string {
  const courtesies = list('politeness');
  let text = normalise(cleanText(raw, 200));
  for (let changed = true; changed;) {
    changed = false;
    for (const w of courtesies) {
      if (text.startsWith(`${w} `)) text = text.slice(w.length + 1);
      else if (text.endsWith(` ${w}`)) text = text.slice(0, -w.length - 1);
      else continue;
      changed = true;
    }
  }
  return text;
}

/**
 * Whether a whole message asks to go back to the bot ("menú", "quiero volver al menú",
 * "salir del chat con agente, por favor"). A longer message that says something else is not
 * taken as one: "no puedo salir de la aplicación" describes a fault.
 */
export function asksForBot(raw: string): boolean {
  const text = core(raw);
  if (text === '') return false;
  return list('backToBot').includes(text);
}

/** Whether a message says the writer is not a customer yet or wants to sign up (R004-6). */
export function talksAsProspect(raw: string): boolean {
  const text = ` ${normalise(cleanText(raw, MAX_MESSAGE_CHARS))} `;
  return list('prospect').some((w) => text.includes(` ${w} `));
}

/**
 * A message, its identifier taken out, without the words around it that only say who is
 * writing ("Hola, mi cuenta es", "my account number is", "sou cliente, meu e-mail é" — the
 * `identificationFrame`, `politeness` and `stopwords` lists) at its start and its end; '' when
 * that is all it says. Such words are not part of the request: "cuenta" alone must not read as
 * an invoice request, nor open its description.
 */
export function withoutWhoItIs(raw: string): string {
  const filler = frameWords();
  const isFiller = (word: string) => {
    const folded = normalise(word);
    return folded === '' || folded.split(' ').every((w) => filler.has(w));
  };
  const words = cleanText(raw, MAX_MESSAGE_CHARS).split(/\s+/);
  let start = 0;
  let end = words.length;
  while (start < end && isFiller(words[start]!)) start++;
  while (end > start && isFiller(words[end - 1]!)) end--;
  return words.slice(start, end).join(' ');
}

let frame: Set<string> | null = null;
function frameWords(): Set<string> {
  frame ??= new Set(
    ['identificationFrame', 'politeness', 'stopwords'].flatMap((name) =>
      list(name).flatMap((phrase) => phrase.split(' ')),
    ),
  );
  return frame;
}
