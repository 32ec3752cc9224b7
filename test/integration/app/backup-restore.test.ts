/**
 * Issue 17: `npm run backup` copies the embedded database while atiende serves, and the copy
 * restored into a new data directory goes on from where it was: a conversation in the middle
 * of a question when the backup was taken is finished on the restored database.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { benchCustomer, technicalScript } from '../../../bench/conversation.ts';
import { backupEmbedded, embeddedServerOn, restoreEmbedded } from '../../../src/app/backup.ts';
import {
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from '../../../src/bot/database/embedded-ferretdb.ts';
import { conversationIdOf } from '../../../src/bot/engine/messages.ts';
import { startTestBot } from '../../support/runtime.ts';
import { send } from '../../support/script-steps.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

async function serverOn(
  dir: string,
): Promise<{ server: EmbeddedDatabase; connection: Connection }> {
  const server = await startEmbeddedDatabase(dir);
  const url = new URL(server.uri);
  url.pathname = '/atiende';
  const connection = mongoose.createConnection(url.toString(), { autoIndex: false });
  await connection.asPromise();
  cleanup.push(
    () => server.stop(),
    () => connection.close(),
  );
  return { server, connection };
}

describe('backup and restore of the embedded database (issue 17)', () => {
  it('a backup taken while atiende writes, restored into a new data directory, finishes the conversation that was mid-question', async () => {
    const root = await mkdtemp(join(tmpdir(), 'atiende-backup-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    const [dirA, dirB, out] = ['a', 'b', 'copy'].map((d) => join(root, d)) as [
      string,
      string,
      string,
    ];

    const a = await serverOn(dirA);
    const botA = await startTestBot({ connection: a.connection });
    const customer = benchCustomer('BK', 1);
    await botA.runtime.domain.customers.save(customer);
    const others = [benchCustomer('BK', 2), benchCustomer('BK', 3)];
    for (const c of others) await botA.runtime.domain.customers.save(c);
    const script = technicalScript(customer.accountNumber, customer.equipment[0]!.serial);
    const MID = 13; // asked for the subject of the case, not yet answered
    for (let n = 0; n < MID; n++) await send(botA, 'midway', `a${n}`, script[n]!);
    const before = (await botA.runtime.engine.state(conversationIdOf('terminal', 'midway')))!;

    // Other customers keep writing while the backup is taken.
    let writing = true;
    const traffic = Promise.all(
      others.map(async (c, i) => {
        const theirs = technicalScript(c.accountNumber, c.equipment[0]!.serial);
        for (let n = 0; writing && n < theirs.length; n++)
          await send(botA, `other${i}`, `o${n}`, theirs[n]!);
      }),
    );
    expect(await backupEmbedded(dirA, out)).toEqual(['atiende']);
    writing = false;
    await traffic;

    // A restore is refused onto a directory whose embedded server runs.
    expect(embeddedServerOn(dirA)).toBe(true);
    await expect(restoreEmbedded(out, dirA, { replace: true })).rejects.toThrow(/running/);

    expect(await restoreEmbedded(out, dirB)).toEqual(['atiende']);
    const b = await serverOn(dirB);
    const botB = await startTestBot({ connection: b.connection });
    const restored = (await botB.runtime.engine.state(conversationIdOf('terminal', 'midway')))!;
    expect(restored.version).toBe(before.version);
    expect(restored.snapshot).toBe(before.snapshot);
    expect(restored.transcript).toEqual(before.transcript);

    const said: string[] = [];
    for (let n = MID; n < script.length; n++)
      said.push(...(await send(botB, 'midway', `b${n}`, script[n]!)).keys);
    expect(said).toContain('case.opened');
    expect(said).toContain('visit.folioConfirmed');
    // The last message before the backup, sent again to the restored atiende: answered once.
    const redelivered = botB.channel.inbound('midway', `a${MID - 1}`, 'repetido');
    expect(await botB.channel.receive(redelivered)).toBe('duplicate');
  });
});
