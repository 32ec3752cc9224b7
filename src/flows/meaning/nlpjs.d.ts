// The synchronous pieces of NLP.js the classifier uses; the packages ship no types.
declare module '@nlpjs/neural' {
  export class NeuralNetwork {
    constructor(settings?: Record<string, unknown>);
    train(corpus: { input: Record<string, number>; output: Record<string, number> }[]): {
      iterations: number;
      error: number;
    };
    run(input: Record<string, number>): Record<string, number> | undefined;
  }
}
declare module '@nlpjs/lang-es' {
  export class StemmerEs {
    stem(tokens: string[]): string[];
  }
}
declare module '@nlpjs/lang-pt' {
  export class StemmerPt {
    stem(tokens: string[]): string[];
  }
}
declare module '@nlpjs/lang-en-min' {
  export class StemmerEn {
    stem(tokens: string[]): string[];
  }
}
