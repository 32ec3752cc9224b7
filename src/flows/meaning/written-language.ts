/**
 * The language a message is written in, when the network gives no hint (WhatsApp, a terminal,
 * an integration): "my modem has no lights" is answered in English from the first reply, not
 * after the customer finds the word "english". Read from the words each language's customers
 * use — every word of its training phrases (`locales/<lang>/intents.json`, which a company
 * extends) — counting only the words no other language has: "internet", "modem" or "no" tell
 * nothing, "tiene", "has" or "tem" do. Unsure (a short or mixed message) is null: the
 * conversation stays in its language.
 */
import { LANGUAGES, type Language } from '../../domain/types.ts';
import { utterancesOf } from './intents.ts';
import { normalise } from './lexicon.ts';
import { tokensOf } from './stems.ts';

/** Words only one language has, and how many such words a message needs to be read as it. */
const MIN_OWN_WORDS = 2;

let owners: Map<string, Language | null> | null = null;

/** Each word of the training phrases with the one language that has it (null: several do). */
function wordOwners(): Map<string, Language | null> {
  const map = new Map<string, Language | null>();
  for (const language of LANGUAGES) {
    const seen = new Set<string>();
    for (const phrase of Object.values(utterancesOf(language).intents).flat()) {
      for (const word of tokensOf(normalise(phrase))) seen.add(word);
    }
    for (const word of seen) {
      const owner = map.get(word);
      map.set(word, owner === undefined ? language : null);
    }
  }
  return map;
}

/**
 * The language `text` is written in, or null when unsure: at least two words only that
 * language has, and at least twice as many as any other language's.
 */
export function writtenLanguage(text: string): Language | null {
  owners ??= wordOwners();
  const counts = new Map<Language, number>();
  for (const word of new Set(tokensOf(normalise(text)))) {
    if (/^\d+$/.test(word)) continue;
    const owner = owners.get(word);
    if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  const [best, second] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  if (!best || best[1] < MIN_OWN_WORDS) return null;
  return second && best[1] < 2 * second[1] ? null : best[0];
}
