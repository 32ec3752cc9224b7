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
 * Allocates unique, human-readable case numbers by inserting each into a unique index
 * (decision 0): a duplicate means another process took that number, so we try the next one.
 * Within a process a local counter hands out numbers without contention; numbers reserved but
 * not used (a matter that turned out to be open already) go back to a local pool.
 */
export class CaseNumberAllocator {
  readonly model: Model<CaseNumberDocument>;
  readonly #next = new Map<number, Promise<{ value: number }>>();
  readonly #spare = new Map<number, number[]>();
  readonly #inserts: GroupInserter;

  constructor(
    connection: Connection,
    readonly prefix = 'AT',
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
    const counter = await this.#counter(year);
    for (;;) {
      const seq = counter.value++;
      const number = formatCaseNumber(this.prefix, year, seq);
      if ((await this.#inserts.insert({ _id: number, year, seq })) === 'inserted') return number;
      // Taken by another process: move on.
    }
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
