/**
 * Issue 13: the triage network trained over typed arrays learns what NLP.js's `NeuralNetwork`
 * learns from the same rows (same outputs), and answers the intent its features were taught.
 */
import { NeuralNetwork } from '@nlpjs/neural';
import { describe, expect, it } from 'vitest';
import { Perceptrons, type Row } from '../../../src/flows/meaning/perceptrons.ts';

const ROWS: Row[] = [
  { input: { impresor: 1, no: 1, imprim: 1, no_imprim: 0.5 }, intent: 'technical' },
  { input: { internet: 1, no: 1, funcion: 1 }, intent: 'technical' },
  { input: { factur: 1, quier: 1, mi: 1 }, intent: 'invoice' },
  { input: { cuant: 1, deb: 1 }, intent: 'invoice' },
  { input: { cancel: 1, quier: 1, contrat: 1 }, intent: 'cancellation' },
  { input: { baj: 1, dar: 1, dar_baj: 0.5 }, intent: 'cancellation' },
];

describe('perceptrons', () => {
  it('give the outputs NLP.js gives after the same epochs', () => {
    for (const epochs of [5, 40]) {
      const ours = new Perceptrons(ROWS, epochs);
      const theirs = new NeuralNetwork({ log: false, iterations: epochs });
      theirs.train(ROWS.map((r) => ({ input: r.input, output: { [r.intent]: 1 } })));
      const probes: Record<string, number>[] = [
        { impresor: 1, no: 1 },
        { factur: 1 },
        { cancel: 1, contrat: 1 },
      ];
      for (const probe of probes) {
        const a = ours.run(probe);
        const b = theirs.run(probe)!;
        for (const intent of Object.keys(b)) expect(a[intent]).toBeCloseTo(b[intent]!, 6);
      }
    }
  });

  it('rank first the intent a row was taught, and know only the features seen', () => {
    const net = new Perceptrons(ROWS, 40);
    const out = net.run({ cancel: 1, contrat: 1 });
    const best = Object.entries(out).sort((x, y) => y[1] - x[1])[0]![0];
    expect(best).toBe('cancellation');
    expect(net.knows('factur')).toBe(true);
    expect(net.knows('zzz')).toBe(false);
  });
});
