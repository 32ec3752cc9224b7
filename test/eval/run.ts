/**
 * `npm run eval`: accuracy of the understanding layer per language and per question, with the
 * confusions, on the evaluation set of `test/eval/<lang>.json`.
 */
import { evaluate, THRESHOLDS } from './evaluate.ts';

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
console.log('\nConfusions (text → got, expected):');
for (const s of scores) {
  for (const c of s.confusions) {
    console.log(`  [${s.language} ${s.question}] "${c.text}" → ${c.got} (expected ${c.expected})`);
  }
}
