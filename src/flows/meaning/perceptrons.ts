/**
 * One perceptron per intent over sparse features: the network of NLP.js's `NeuralNetwork`
 * (leaky ReLU output, momentum, decaying learning rate, zero initial weights, the same updates
 * in the same order, so the same weights), with each row's features kept in typed arrays.
 * NLP.js keeps them in objects keyed by number, read through `reduce`: once the utterances
 * tripled (issue 13) that was four fifths of start-up, and this is five times faster.
 * Deterministic: no random start, no clock.
 */

/** A training row: feature weights by name, and the intent it means. */
export interface Row {
  input: Record<string, number>;
  intent: string;
}

// NLP.js's defaults.
const ALPHA = 0.07;
const MOMENTUM = 0.5;
const LEARNING_RATE = 0.6;
const ERROR_THRESH = 0.00005;
const DELTA_ERROR_THRESH = 0.000001;

interface Sparse {
  keys: Int32Array;
  values: Float64Array;
}

/** A trained set of perceptrons, one per intent. */
export class Perceptrons {
  private readonly index = new Map<string, number>();
  private readonly intents: string[] = [];
  private readonly weights: Float32Array[] = [];
  private readonly bias: number[] = [];
  /** Epochs the training ran. */
  readonly epochs: number;

  /** Trains at once (synchronous), for at most `maxEpochs` passes over the rows. */
  constructor(rows: readonly Row[], maxEpochs: number) {
    const intentIds = new Map<string, number>();
    for (const row of rows) {
      for (const key of Object.keys(row.input)) {
        if (!this.index.has(key)) this.index.set(key, this.index.size);
      }
      if (!intentIds.has(row.intent)) {
        intentIds.set(row.intent, this.intents.length);
        this.intents.push(row.intent);
      }
    }
    for (const _ of this.intents) {
      this.weights.push(new Float32Array(this.index.size));
      this.bias.push(0);
    }
    const data = rows.map((row) => this.sparse(row.input));
    const targets = Int32Array.from(rows.map((row) => intentIds.get(row.intent)!));
    this.epochs = this.train(data, targets, maxEpochs);
  }

  /** Whether a feature was seen in training. */
  knows(feature: string): boolean {
    return this.index.has(feature);
  }

  /** Each intent's output for the features (0 when its perceptron does not fire). */
  run(input: Record<string, number>): Record<string, number> {
    const row = this.sparse(input);
    const out: Record<string, number> = {};
    this.intents.forEach((intent, p) => (out[intent] = fire(this.weights[p]!, this.bias[p]!, row)));
    return out;
  }

  private sparse(input: Record<string, number>): Sparse {
    const keys: number[] = [];
    const values: number[] = [];
    for (const [key, value] of Object.entries(input)) {
      const i = this.index.get(key);
      if (i === undefined) continue;
      keys.push(i);
      values.push(value);
    }
    return { keys: Int32Array.from(keys), values: Float64Array.from(values) };
  }

  private train(data: readonly Sparse[], targets: Int32Array, maxEpochs: number): number {
    const changes = this.weights.map((w) => new Float32Array(w.length));
    let error = Infinity;
    let deltaError = Infinity;
    let epoch = 0;
    while (epoch < maxEpochs && error > ERROR_THRESH && deltaError > DELTA_ERROR_THRESH) {
      epoch += 1;
      const rate = LEARNING_RATE / (1 + 0.001 * epoch);
      const last = error;
      error = 0;
      for (let p = 0; p < this.weights.length; p += 1) {
        const w = this.weights[p]!;
        const c = changes[p]!;
        let bias = this.bias[p]!;
        for (let r = 0; r < data.length; r += 1) {
          const { keys, values } = data[r]!;
          const actual = fire(w, bias, data[r]!);
          const miss = (targets[r] === p ? 1 : 0) - actual;
          if (!miss) continue;
          error += miss * miss;
          const delta = (actual > 0 ? 1 : ALPHA) * miss * rate;
          for (let i = 0; i < keys.length; i += 1) {
            const k = keys[i]!;
            const change = delta * values[i]! + MOMENTUM * c[k]!;
            c[k] = change;
            w[k] = w[k]! + change;
          }
          bias += delta;
        }
        this.bias[p] = bias;
      }
      error /= this.weights.length * data.length;
      deltaError = Math.abs(error - last);
    }
    return epoch;
  }
}

function fire(w: Float32Array, bias: number, { keys, values }: Sparse): number {
  let sum = bias;
  for (let i = 0; i < keys.length; i += 1) sum += values[i]! * w[keys[i]!]!;
  return sum <= 0 ? 0 : ALPHA * sum;
}
