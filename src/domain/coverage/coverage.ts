import { Schema, type Connection, type Model } from 'mongoose';
import { ensureCollection, modelOn } from '../model-on.ts';
import type { Country } from '../types.ts';
import { foldAccents } from '../text.ts';

/** A zone where the company can install a new service (R004-6). */
export interface CoverageZone {
  country: Country;
  city: string;
  postalCodes: string[];
}

type ZoneDocument = CoverageZone & { _id: string };

const schema = new Schema<ZoneDocument>(
  { _id: String, country: String, city: String, postalCodes: { type: [String], index: true } },
  { collection: 'coverage_zones', versionKey: false },
);

/** Folds case, accents and blanks so "Bogotá " and "bogota" are the same city. */
export function foldText(text: string): string {
  return foldAccents(text).replace(/\s+/g, ' ').trim();
}

/** Coverage zones and the coverage check for prospects (R004-6). */
export class CoverageRepository {
  readonly model: Model<ZoneDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'CoverageZone', schema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  async save(zone: CoverageZone): Promise<void> {
    const _id = `${zone.country}:${foldText(zone.city)}`;
    await this.model.replaceOne({ _id }, { ...zone, _id }, { upsert: true });
  }

  /**
   * Whether an address is covered: a postal code of a zone appears in it, or the zone's city
   * does. Returns the zone, or null when not covered.
   */
  async check(country: Country, address: string): Promise<CoverageZone | null> {
    const zones = await this.model.find({ country }).lean<ZoneDocument[]>();
    const folded = foldText(address);
    const codes = new Set(folded.match(/\b\d{4,6}\b/g) ?? []);
    const zone =
      zones.find((z) => z.postalCodes.some((code) => codes.has(code))) ??
      zones.find((z) => folded.includes(foldText(z.city)));
    return zone
      ? { country: zone.country, city: zone.city, postalCodes: [...zone.postalCodes] }
      : null;
  }
}
