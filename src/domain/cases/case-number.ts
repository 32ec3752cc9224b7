import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../model-on.ts';
import { GroupInserter } from '../../storage/index.ts';
import type { CaseNumber } from './case.ts';

interface CaseNumberDocument {
  _id: string;
  year: number;
  seq: number;
}

const schema = new Schema<CaseNumberDocument>(
  { _id: String, year: Number, seq: Number },
  { collection: 'case_numbers', versionKey: false },
);

/** Formats a case number: `AT-2026-000123`. */
export function formatCaseNumber(prefix: string, year: number, seq: number): CaseNumber {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}` as CaseNumber;
}

/**
 * Numbers a process reserves at once (issue 17): opening a case then takes one from memory,
 * and the turn that opens it writes no number; a new block is reserved in the background when
 * half of one is left. The price: a process that stops leaves the rest of its block unused
 * (gaps of at most this many), and numbers of two processes interleave by block.
 */
export const CASE_NUMBER_BLOCK = 16;

/**
 * Allocates unique, human-readable case numbers by inserting each into a unique index
 * (decision 0): a duplicate means another process took that number, so we try the next one.
 * Within a process numbers are reserved a block at a time (one grouped insert; those that were
 * taken are skipped) and handed out from memory; numbers reserved but not used (a matter that
 * turned out to be open already) go back to a local pool.
 */
export class CaseNumberAllocator {
  readonly model: Model<CaseNumberDocument>;
  readonly #next = new Map<number, Promise<{ value: number }>>();
  readonly #spare = new Map<number, number[]>();
  /** Numbers reserved by insert and not handed out yet, per year, lowest first. */
  readonly #reserved = new Map<number, number[]>();
  /** The block reservation under way, per year (one at a time). */
  readonly #reserving = new Map<number, Promise<void>>();
  readonly #inserts: GroupInserter;

  constructor(
    connection: Connection,
    readonly prefix = 'AT',
    readonly block = CASE_NUMBER_BLOCK,
  ) {
    this.model = modelOn(connection, 'CaseNumber', schema);
    this.#inserts = new GroupInserter(this.model.collection);
  }

  async #counter(year: number): Promise<{ value: number }> {
    let counter = this.#next.get(year);
    if (!counter) {
      counter = this.model
        .find({ year })
        .sort({ seq: -1 })
        .limit(1)
        .lean<CaseNumberDocument[]>()
        .then((docs) => ({ value: (docs[0]?.seq ?? 0) + 1 }));
      this.#next.set(year, counter);
      counter.catch(() => this.#next.delete(year));
    }
    return counter;
  }

  /** Reserves the next free number of the year. */
  async allocate(year: number): Promise<CaseNumber> {
    const spare = this.#spare.get(year)?.shift();
    if (spare !== undefined) return formatCaseNumber(this.prefix, year, spare);
    for (;;) {
      const reserved = this.#reserved.get(year) ?? [];
      const seq = reserved.shift();
      if (reserved.length < this.block / 2) void this.#reserve(year).catch(() => undefined);
      if (seq !== undefined) return formatCaseNumber(this.prefix, year, seq);
      await this.#reserve(year);
    }
  }

  /**
   * Reserves the next block of numbers by one grouped insert; the numbers another process
   * holds come back as duplicates and are skipped. One reservation at a time per year.
   */
  #reserve(year: number): Promise<void> {
    let reserving = this.#reserving.get(year);
    if (!reserving) {
      reserving = (async () => {
        const counter = await this.#counter(year);
        const seqs = Array.from({ length: this.block }, () => counter.value++);
        const outcomes = await Promise.all(
          seqs.map((seq) =>
            this.#inserts.insert({ _id: formatCaseNumber(this.prefix, year, seq), year, seq }),
          ),
        );
        const list = this.#reserved.get(year) ?? [];
        list.push(...seqs.filter((_, i) => outcomes[i] === 'inserted'));
        this.#reserved.set(year, list);
      })().finally(() => this.#reserving.delete(year));
      this.#reserving.set(year, reserving);
    }
    return reserving;
  }

  /** Resolves once the block reservations under way are done (a clean stop waits for them). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#reserving.values()]);
  }

  /** Gives back a reserved number that was not used, for the next allocation in this process. */
  release(number: CaseNumber): void {
    const match = /-(\d{4})-(\d+)$/.exec(number);
    if (!match) return;
    const year = Number(match[1]);
    const list = this.#spare.get(year) ?? [];
    list.push(Number(match[2]));
    list.sort((a, b) => a - b);
    this.#spare.set(year, list);
  }
}
