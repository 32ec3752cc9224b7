/**
 * `npm run eval`: accuracy of the understanding layer per language and per question, with the
 * confusions, on the evaluation set of `test/eval/<lang>.json`.
 */
import type { ConversationContext } from '../../src/flows/context.ts';
import { answerOf, isCivilEvent } from '../../src/flows/machine/reading.ts';
import { namedLanguage } from '../../src/flows/understanding.ts';
import { evaluate, SETS, THRESHOLDS, TRIAGE } from './evaluate.ts';

const TRIAGE_LIKE: string[] = ['triage', 'heldOut', 'blind', 'blind2', 'blind3'];
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const scores = evaluate();
console.log('language  question        accuracy   (correct/total)  threshold');
for (const s of scores) {
  const flag = s.accuracy < THRESHOLDS[s.question] ? '  BELOW' : '';
  console.log(
    `${s.language.padEnd(9)} ${s.question.padEnd(15)} ${pct(s.accuracy).padStart(8)}   (${s.correct}/${s.total})`.padEnd(
      52,
    ) + `${pct(THRESHOLDS[s.question])}${flag}`,
  );
}
for (const language of ['es', 'en', 'pt'] as const) {
  const mine = scores.filter((s) => s.language === language);
  const total = mine.reduce((a, s) => a + s.total, 0);
  const correct = mine.reduce((a, s) => a + s.correct, 0);
  console.log(`${language}: ${pct(correct / total)} overall (${correct}/${total})`);
}
// A message asked again costs a turn; one read as another intent starts a wrong flow.
console.log('\nTriage misses, wrong intent / asked again:');
for (const s of scores.filter((x) => TRIAGE_LIKE.includes(x.question))) {
  const reasked = s.confusions.filter((c) => c.got === null).length;
  console.log(
    `  ${s.language} ${s.question.padEnd(8)} ${s.confusions.length - reasked} / ${reasked}`,
  );
}
console.log('\nConfusions (text → got, expected):');
for (const s of scores) {
  // blind2 and blind3 are measured, never read: their misses would become tuning.
  if (s.question === 'blind2' || s.question === 'blind3') continue;
  for (const c of s.confusions) {
    console.log(`  [${s.language} ${s.question}] "${c.text}" → ${c.got} (expected ${c.expected})`);
  }
}

// The cost of understanding per turn: the answer read at triage (answerOf, as the guards call
// it) and the clock region's checks (a person or a language asked for), on every triage phrasing.
const texts = Object.values(SETS).flatMap((set) => Object.values(set.triage).flat());
const context = {
  language: 'es',
  question: { key: 'triage.ask', choices: TRIAGE },
} as unknown as ConversationContext;
const turn = (text: string, i: number) => {
  const event = {
    type: 'customer.text' as const,
    text: `${text} ${i}`,
    at: '2026-03-02T16:00:00.000Z',
  };
  answerOf(context, event);
  isCivilEvent(event);
  namedLanguage(event.text);
};
let start = performance.now();
texts.forEach((t) => turn(t, 0));
const cold = ((performance.now() - start) * 1000) / texts.length;
const rounds = 5;
start = performance.now();
for (let r = 1; r <= rounds; r += 1) texts.forEach((t) => turn(t, r));
const warm = ((performance.now() - start) * 1000) / (texts.length * rounds);
console.log(
  `\nCost per triage turn (answerOf + the clock region's checks, ${texts.length} messages): ` +
    `${cold.toFixed(0)} µs the first time a message's words are seen, ${warm.toFixed(0)} µs after`,
);
