/**
 * What a conversation costs on disk, and that it reloads whole. A version's document stores the
 * lines its turn added and what else the turn changed; every TRANSCRIPT_PAGE_VERSIONS versions
 * a page repeats the lines of those versions; the snapshot and the session's fields are stored
 * again only when a turn changes them. A process that reloads a conversation (R001-7: the
 * transcript goes into the ticket) gets the state it had in memory, in a bounded number of
 * reads by `_id`, also from documents of the layout before 2026-11-28.
 */
import { BSON, type CommandStartedEvent, type Document } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationIdOf } from '../../../src/bot/engine/messages.ts';
import {
  MAX_TRANSCRIPT,
  TRANSCRIPT_PAGE_VERSIONS,
  type ConversationState,
} from '../../../src/bot/engine/state.ts';
import { decodeStored } from '../../../src/bot/engine/state-codec.ts';
import { benchCustomer, technicalScript } from '../../../bench/conversation.ts';
import { testDatabaseUri } from '../../support/database.ts';
import { legacyStateDocument } from '../../support/legacy-state.ts';
import { startTestBot, type TestBot } from '../../support/runtime.ts';

/**
 * The bound on what a flood's message may insert, besides twice the JSON of the lines it adds
 * (the customer's and the replies', each stored in its version and again in its page). Measured
 * 500–650 B: the document's plain fields and keys (~420 B), the outbox journal's entries
 * (~200 B; their collection is dropped minutes later), the inputs a page lists every 16
 * versions (~20 B with these ids). Before 2026-11-28 a flood's message inserted ~40 kB.
 */
const FLOOD_CONSTANT_BYTES = 1_000;
/**
 * Reads by `_id` that a reload of a long flooded conversation may take: ~2·log₂(versions)
 * probes for the latest, the versions back to the last page, the pages back to MAX_TRANSCRIPT
 * lines (~13 at two lines a version, read four at once), and the documents of the snapshot and
 * the session fields.
 */
const RELOAD_READS = 60;

/** What the engine sends to the database: documents inserted and reads, while counting. */
class Meter {
  counting = false;
  inserted = 0;
  reads = 0;
  observe = (event: CommandStartedEvent) => {
    if (!this.counting) return;
    if (event.commandName === 'find') this.reads++;
    if (event.commandName !== 'insert') return;
    // The consoles' live feed between processes (issue 15: each queued message's words, once a
    // day's log) is the agent side's, not the conversation's storage measured here.
    if (String(event.command.insert).startsWith('channel_log')) return;
    for (const doc of event.command.documents as Document[])
      this.inserted += BSON.calculateObjectSize(doc);
  };
}

/** The bytes of a transcript line's JSON, as a document stores it. */
const lineBytes = (from: string, text: string) =>
  Buffer.byteLength(JSON.stringify({ at: '2026-03-10T16:00:00.000Z', from, text }));

/** A state with its storage bookkeeping left out (it is memory's, and checked apart). */
const withoutPosition = ({ stored: _stored, ...rest }: ConversationState) => rest;

describe('stored conversations', () => {
  let connection: Connection;
  const meter = new Meter();

  beforeAll(async () => {
    connection = mongoose.createConnection(testDatabaseUri(), {
      autoIndex: false,
      monitorCommands: true,
    });
    await connection.asPromise();
    connection.getClient().on('commandStarted', meter.observe);
  });
  afterAll(async () => {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  });

  async function storedVersions(bot: TestBot, id: string) {
    const docs = await bot.runtime.stores.versions.states.find({ conversationId: id }).toArray();
    return docs.map(decodeStored).sort((a, b) => a.version - b.version);
  }

  /** Drops the conversation from memory and reads it back, counting the reads. */
  async function reload(bot: TestBot, id: string) {
    expect(bot.runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER)).toBeGreaterThan(0);
    meter.reads = 0;
    meter.counting = true;
    const state = await bot.runtime.engine.state(id);
    meter.counting = false;
    return { state: state!, reads: meter.reads };
  }

  it('R001-7: a conversation reloaded from the database is the one in memory, its whole transcript included', async () => {
    const bot = await startTestBot({ connection });
    const customer = benchCustomer('TS', 1);
    await bot.runtime.domain.customers.save(customer);
    const script = technicalScript(customer.accountNumber, customer.equipment[0]!.serial);
    expect(script.length).toBeGreaterThan(TRANSCRIPT_PAGE_VERSIONS);
    for (const step of script) await bot.say('transcribed', step.message);
    const id = conversationIdOf('terminal', 'transcribed');
    const inMemory = (await bot.runtime.engine.state(id))!;
    expect(inMemory.version).toBe(script.length);
    expect(inMemory.transcript.length).toBeGreaterThan(2 * script.length);

    // Each document holds its turn's lines; the first starts the transcript; the 16th's page
    // holds the first 16 versions' lines.
    const stored = await storedVersions(bot, id);
    expect(stored.map((s) => s.transcriptKept === 0)).toEqual(stored.map((s) => s.version === 1));
    const own = stored.reduce((sum, s) => sum + s.lines.length, 0);
    expect(own).toBe(inMemory.transcript.length);
    const page = stored[TRANSCRIPT_PAGE_VERSIONS - 1]!.page!;
    expect(page).toEqual(stored.slice(0, TRANSCRIPT_PAGE_VERSIONS).flatMap((s) => s.lines));
    expect(stored.filter((s) => s.page !== null)).toHaveLength(1);

    const { state } = await reload(bot, id);
    expect(state).toEqual(inMemory);
    // And the conversation goes on from it.
    expect(await bot.say('transcribed', 'gracias')).not.toEqual([]);
  });

  it('a flood of messages stores what each message says plus a constant, and reloads in a bounded number of reads', async () => {
    const bot = await startTestBot({ connection });
    const id = conversationIdOf('terminal', 'flooder');
    const flood = async (count: number, text: (i: number) => string) => {
      const before = bot.channel.delivered.length;
      let said = 0;
      meter.inserted = 0;
      meter.counting = true;
      for (let i = 0; i < count; i++) {
        const message = text(i);
        const inbound = bot.channel.inbound('flooder', `f${before}-${i}`, message);
        expect(await bot.runtime.engine.handle(inbound)).toBe('answered');
        said += lineBytes('customer', message);
      }
      await new Promise((done) => setTimeout(done, 100)); // the journal's settled entries
      meter.counting = false;
      for (const reply of bot.channel.delivered.slice(before)) said += lineBytes('bot', reply.text);
      return { perMessage: meter.inserted / count, saidPerMessage: said / count };
    };

    // Nonsense: not understood, handed to the agents' queue, then "still queued" replies —
    // past MAX_TRANSCRIPT lines, where whole copies of the transcript used to be stored.
    const short = await flood(300, (i) => `zq${i} blorf`);
    expect(bot.channel.delivered.at(-1)?.reply.key).toBe('handoff.stillQueued');
    const inMemory = (await bot.runtime.engine.state(id))!;
    expect(inMemory.transcript).toHaveLength(MAX_TRANSCRIPT);
    expect(short.perMessage).toBeLessThan(2 * short.saidPerMessage + FLOOD_CONSTANT_BYTES);
    // Long messages: the cost follows what they say, not the transcript they join.
    const long = await flood(40, (i) => `${i} ${'bla '.repeat(500)}`);
    expect(long.saidPerMessage).toBeGreaterThan(2_000);
    expect(long.perMessage).toBeLessThan(2 * long.saidPerMessage + FLOOD_CONSTANT_BYTES);

    const expected = (await bot.runtime.engine.state(id))!;
    const { state, reads } = await reload(bot, id);
    expect(withoutPosition(state)).toEqual(withoutPosition(expected));
    expect(state.stored).toEqual(expected.stored);
    expect(reads).toBeLessThanOrEqual(RELOAD_READS);
  });

  it('loads conversations stored in the layout before 2026-11-28, and goes on storing them in the new one', async () => {
    const bot = await startTestBot({ connection });
    const id = conversationIdOf('terminal', 'upgraded');
    const states: ConversationState[] = [];
    for (let i = 1; i <= 20; i++) {
      await bot.say('upgraded', `asdf ${i}`);
      states.push(structuredClone((await bot.runtime.engine.state(id))!));
    }
    // As that code stored them: whole copies at version 1 and 17, each version's lines between.
    const legacy = states.map((state, i) => ({
      ...withoutPosition(state),
      transcriptKept: i % 16 === 0 ? 0 : states[i - 1]!.transcript.length,
      transcriptDepth: i % 16,
    }));
    for (const state of legacy) {
      await bot.runtime.stores.versions.states.replaceOne(
        { _id: state._id },
        legacyStateDocument(state),
      );
    }
    expect((await storedVersions(bot, id)).every((s) => s.legacy)).toBe(true);

    const { state: loaded } = await reload(bot, id);
    expect(withoutPosition(loaded)).toEqual(legacy.at(-1));
    expect(loaded.stored?.pageLines).toBeNull();

    for (let i = 21; i <= 40; i++) await bot.say('upgraded', `asdf ${i}`);
    const inMemory = (await bot.runtime.engine.state(id))!;
    const stored = await storedVersions(bot, id);
    // The first version of the new layout starts the stored transcript anew.
    expect(stored[20]).toMatchObject({ legacy: false, transcriptKept: 0 });
    expect(stored[20]!.lines).toEqual(inMemory.transcript.slice(0, stored[20]!.lines.length));
    expect(stored.slice(21).every((s) => s.transcriptKept > 0)).toBe(true);
    const { state } = await reload(bot, id);
    expect(state).toEqual(inMemory);
  });
});
