import { Schema, type Connection, type Model } from 'mongoose';
import { ensureCollection, modelOn } from '../model-on.ts';
import { GroupInserter } from '../../storage/index.ts';
import type { CaseNumber } from '../cases/case.ts';
import { folioNumber, type Folio, type VisitSlot } from './folio.ts';
import { RescheduleClaims } from './reschedule-claims.ts';
import { VisitOutcomes } from './visit-outcomes.ts';

type FolioDocument = Omit<Folio, 'number'> & { _id: string };

const slotSchema = new Schema({ start: Date, end: Date }, { _id: false });
const schema = new Schema<FolioDocument>(
  {
    _id: String,
    caseNumber: { type: String, index: true },
    slot: slotSchema,
    attendant: String,
    createdAt: Date,
    reschedules: [
      new Schema(
        {
          at: Date,
          from: slotSchema,
          to: slotSchema,
          reason: String,
          cost: String,
          requestKey: { type: String, default: null },
        },
        { _id: false },
      ),
    ],
    freeReschedulesLeft: { type: Number, default: 0 },
    outcome: { type: String, default: 'pending' },
    serviceMinutes: { type: Number, default: undefined },
    requestKey: { type: String, default: null },
    outcomeKey: { type: String, default: null },
  },
  { collection: 'folios', versionKey: false },
);

function toFolio(doc: FolioDocument): Folio {
  const { _id, ...rest } = doc;
  return { ...rest, number: _id };
}

/** Visit folios (R004-3): numbered per case, `<case>-V1`, `-V2`…, unique by insert. */
export class FolioRepository {
  readonly model: Model<FolioDocument>;
  readonly #inserts: GroupInserter;
  /** Reschedules claimed by their request's key before they move the visit (decision 0). */
  readonly reschedules: RescheduleClaims;
  /** Visit outcomes, one per visit by insert (issue 16). */
  readonly outcomes: VisitOutcomes;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'Folio', schema);
    this.#inserts = new GroupInserter(this.model.collection);
    this.reschedules = new RescheduleClaims(connection);
    this.outcomes = new VisitOutcomes(connection);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
    await this.reschedules.init();
    await this.outcomes.init();
  }

  /**
   * Opens the next folio of a case for an agreed slot. The same request again (`requestKey`:
   * retried after a crash, or by another process) gets the folio it opened, not another.
   */
  async open(
    caseNumber: CaseNumber,
    slot: VisitSlot,
    attendant: string,
    at: Date,
    requestKey: string | null = null,
  ): Promise<Folio> {
    // Insert first, count never: most cases have one folio, and the unique _id settles races.
    for (let n = 1; ; n++) {
      const folio: Folio = {
        number: folioNumber(caseNumber, n),
        caseNumber,
        slot,
        attendant,
        createdAt: at,
        reschedules: [],
        freeReschedulesLeft: 0,
        outcome: 'pending',
        requestKey,
      };
      const { number, ...rest } = folio;
      if ((await this.#inserts.insert({ ...rest, _id: number })) === 'inserted') return folio;
      if (requestKey !== null) {
        const taken = await this.find(number);
        if (taken?.requestKey === requestKey) return taken;
      }
    }
  }

  async find(number: string): Promise<Folio | null> {
    const doc = await this.model.findById(number).lean<FolioDocument>();
    return doc ? toFolio(doc) : null;
  }

  async ofCase(caseNumber: CaseNumber): Promise<Folio[]> {
    const docs = await this.model.find({ caseNumber }).lean<FolioDocument[]>();
    return docs
      .map(toFolio)
      .sort((a, b) => a.number.localeCompare(b.number, 'en', { numeric: true }));
  }

  /**
   * The latest folio of each of these cases (a case's later folio replaces an earlier one that
   * could not be done): the visits a customer can see and move from the chat.
   */
  async latestOfCases(caseNumbers: readonly CaseNumber[]): Promise<Folio[]> {
    if (caseNumbers.length === 0) return [];
    const docs = await this.model
      .find({ caseNumber: { $in: [...caseNumbers] } })
      .lean<FolioDocument[]>();
    const latest = new Map<string, Folio>();
    for (const folio of docs.map(toFolio)) {
      const seen = latest.get(folio.caseNumber);
      if (!seen || seen.number.localeCompare(folio.number, 'en', { numeric: true }) < 0)
        latest.set(folio.caseNumber, folio);
    }
    return [...latest.values()].sort((a, b) => a.slot.start.getTime() - b.slot.start.getTime());
  }

  /** Writes a folio back after a reschedule or an outcome (one agent edits a folio at a time). */
  async save(folio: Folio): Promise<void> {
    const { number, ...rest } = folio;
    await this.model.replaceOne({ _id: number }, rest);
  }
}
