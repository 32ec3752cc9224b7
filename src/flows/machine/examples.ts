/**
 * Issue 13: before a customer who was not understood is handed to a person, the question's
 * options are offered again with examples of how to answer — one reply per kind of question
 * (`common.examples.*`): yes/no, a step done or not yet, or a list (its number or its words).
 */
import type { Reply } from '../contract.ts';

/** The examples for the question waiting, or null for a free-text question (its own hint). */
export function examplesFor(question: Reply | null): Reply | null {
  const choices = question?.choices ?? [];
  const ids = choices.map((c) => c.id);
  if (ids.includes('yes') && ids.includes('no')) return { key: 'common.examples.yesNo' };
  if (ids.includes('done') && ids.includes('notYet')) return { key: 'common.examples.doneNotYet' };
  // A list: its first option by number and by words. A label with parameters (an equipment
  // "SRV-MX-0001 — Servidor Dell") is told with them.
  const first = choices.find((c) => !c.params) ?? choices[0];
  if (!first) return null;
  return {
    key: 'common.examples.choices',
    params: { ...first.params, number: choices.indexOf(first) + 1, firstKey: first.key },
  };
}
