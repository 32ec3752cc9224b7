/**
 * Issue 14: what a network's adapter keeps in the database — a WhatsApp number's session
 * (Baileys' credentials and signal keys, Buffers exactly) and the lease that lets one process
 * at a time hold the number.
 */
import * as baileys from '@whiskeysockets/baileys';
import mongoose from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseAuthState, forgetCreds } from '../../../src/channels/whatsapp/auth-state.ts';
import { LeaseKeeper, LeaseStore, SessionStore } from '../../../src/domain/channel-state/index.ts';
import { systemClock } from '../../../src/domain/clock.ts';
import { databaseUri } from '../../support/database.ts';
import { openTestConnection } from '../../support/database.ts';

const kit = {
  BufferJSON: baileys.BufferJSON,
  initAuthCreds: baileys.initAuthCreds,
  appStateSyncKeyFromObject: (value: object) =>
    baileys.proto.Message.AppStateSyncKeyData.fromObject(value),
};

/** The bytes of every Buffer and Uint8Array in a value, for an exact comparison. */
function bytesOf(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (Array.isArray(value)) return value.map(bytesOf);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, bytesOf(v)]),
    );
  return value;
}

describe('a WhatsApp session kept in the database (issue 14)', () => {
  let connection: mongoose.Connection;
  let store: SessionStore;

  beforeAll(async () => {
    connection = await openTestConnection();
    store = new SessionStore(connection);
    await store.init();
  });

  it('credentials and signal keys come back exactly, Buffers and Uint8Arrays included, in a new store on another connection', async () => {
    const first = await databaseAuthState(store.scope('whatsapp:round-trip'), kit);
    const creds = first.state.creds;
    creds.me = {
      id: '5215512345678:7@s.whatsapp.net',
      lid: '123456789012345:7@lid',
      name: 'Soporte',
    };
    creds.routingInfo = Buffer.from([8, 2, 8, 5, 0, 255]);
    await first.saveCreds();
    const preKey = baileys.Curve.generateKeyPair();
    const session = new Uint8Array([1, 2, 3, 250, 251, 252]);
    const tctoken = { token: Buffer.from('a token', 'utf8'), timestamp: '1764300000' };
    const syncKey = baileys.proto.Message.AppStateSyncKeyData.fromObject({
      keyData: Buffer.from([9, 9, 9]),
      timestamp: 1764300000,
    });
    await first.state.keys.set({
      'pre-key': { '1': preKey },
      session: { '5215512345678.0': session },
      tctoken: { '5215512345678@s.whatsapp.net': tctoken },
      'app-state-sync-key': { AAAAAQ: syncKey },
      'lid-mapping': { '5215512345678': '123456789012345' },
    });

    // Another process: its own connection and store.
    const other = mongoose.createConnection(databaseUri(connection.name));
    await other.asPromise();
    try {
      const again = await databaseAuthState(
        new SessionStore(other).scope('whatsapp:round-trip'),
        kit,
      );
      expect(bytesOf(again.state.creds)).toEqual(
        bytesOf(
          JSON.parse(
            JSON.stringify(creds, baileys.BufferJSON.replacer),
            baileys.BufferJSON.reviver,
          ),
        ),
      );
      expect(Buffer.isBuffer(again.state.creds.noiseKey.private)).toBe(true);
      expect(
        Buffer.from(again.state.creds.noiseKey.private).equals(Buffer.from(creds.noiseKey.private)),
      ).toBe(true);
      expect(
        Buffer.from(again.state.creds.signedIdentityKey.public).equals(
          Buffer.from(creds.signedIdentityKey.public),
        ),
      ).toBe(true);
      expect(again.state.creds.me).toEqual(creds.me);
      expect(again.state.creds.registrationId).toBe(creds.registrationId);

      const keys = again.state.keys;
      const preKeys = await keys.get('pre-key', ['1', '2']);
      expect(Object.keys(preKeys)).toEqual(['1']);
      expect(bytesOf(preKeys['1'])).toEqual(bytesOf(preKey));
      const sessions = await keys.get('session', ['5215512345678.0']);
      expect(Buffer.from(sessions['5215512345678.0']!).equals(Buffer.from(session))).toBe(true);
      const tokens = await keys.get('tctoken', ['5215512345678@s.whatsapp.net']);
      expect(Buffer.isBuffer(tokens['5215512345678@s.whatsapp.net']!.token)).toBe(true);
      expect(bytesOf(tokens['5215512345678@s.whatsapp.net'])).toEqual(bytesOf(tctoken));
      const sync = (await keys.get('app-state-sync-key', ['AAAAAQ']))['AAAAAQ']!;
      expect(sync).toBeInstanceOf(baileys.proto.Message.AppStateSyncKeyData);
      expect(Buffer.from(sync.keyData!).equals(Buffer.from([9, 9, 9]))).toBe(true);
      expect(await keys.get('lid-mapping', ['5215512345678'])).toEqual({
        '5215512345678': '123456789012345',
      });
    } finally {
      await other.close();
    }
  });

  it('a key Baileys sets to null is deleted, and a forgotten session starts unpaired', async () => {
    const scope = store.scope('whatsapp:deletes');
    const auth = await databaseAuthState(scope, kit);
    await auth.saveCreds();
    await auth.state.keys.set({ 'pre-key': { '5': baileys.Curve.generateKeyPair() } });
    await auth.state.keys.set({ 'pre-key': { '5': null } });
    expect(await auth.state.keys.get('pre-key', ['5'])).toEqual({});
    expect(await store.model.countDocuments({ _id: 'whatsapp:deletes\u0000pre-key/5' })).toBe(0);

    await forgetCreds(scope);
    const fresh = await databaseAuthState(scope, kit);
    expect(fresh.state.creds.registrationId).not.toBe(auth.state.creds.registrationId);
  });

  it('two scopes never see each other’s keys', async () => {
    await store.scope('a').set(new Map([['k', 'from a']]));
    await store.scope('b').set(new Map([['k', 'from b']]));
    expect((await store.scope('a').get(['k'])).get('k')).toBe('from a');
    expect((await store.scope('c').get(['k'])).size).toBe(0);
  });
});

describe('the lease of a WhatsApp number (decision 6)', () => {
  const fast = { ttlMs: 1_200, renewEveryMs: 150, marginMs: 300, skewMs: 100 };
  let leases: LeaseStore;

  beforeAll(async () => {
    leases = new LeaseStore(await openTestConnection());
    await leases.init();
  });

  it('decision 0: of 20 contenders racing for the same term, exactly one wins', async () => {
    const expires = new Date(Date.now() + 10_000);
    const won = await Promise.all(
      Array.from({ length: 20 }, (_, i) => leases.claim('race', 1, `p${i}`, expires)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('of 8 keepers started at once, one holds the number; when it releases, another takes over', async () => {
    const held: string[] = [];
    const keepers = Array.from({ length: 8 }, (_, i) => {
      const name = `k${i}`;
      return {
        name,
        lease: new LeaseKeeper(leases, name, systemClock, fast).keep('many', {
          onAcquired: () => void held.push(name),
          onLost: () => undefined,
        }),
      };
    });
    await waitFor(() => held.length === 1, 3_000);
    await sleep(600);
    expect(held).toHaveLength(1);
    expect(keepers.filter((k) => k.lease.holds())).toHaveLength(1);
    const first = keepers.find((k) => k.lease.holds())!;
    const began = Date.now();
    await first.lease.release();
    await waitFor(() => held.length === 2, 3_000);
    // Released, not died: taken over at once, not after the term.
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(keepers.filter((k) => k.lease.holds())).toHaveLength(1);
    await Promise.all(keepers.map((k) => k.lease.release()));
  });

  it('a holder that sees a newer term steps down at once', async () => {
    const lost: string[] = [];
    const lease = new LeaseKeeper(leases, 'me', systemClock, fast).keep('superseded', {
      onAcquired: () => undefined,
      onLost: (_term, reason) => void lost.push(reason),
    });
    await waitFor(() => lease.holds(), 3_000);
    // Another process claimed the next term (as a contender whose clock ran ahead would).
    expect(
      await leases.claim('superseded', lease.term! + 1, 'other', new Date(Date.now() + 5_000)),
    ).toBe(true);
    await waitFor(() => lost.length > 0, 2_000);
    expect(lost).toEqual(['superseded']);
    expect(lease.holds()).toBe(false);
    await lease.release();
  });

  it('the latest term is found by probing ids, however many terms there were', async () => {
    const past = new Date(0);
    for (let term = 1; term <= 37; term++) await leases.claim('probe', term, 'x', past);
    expect(await leases.latest('probe')).toBe(37);
    expect(await leases.latest('probe', 20)).toBe(37);
    expect(await leases.latest('none')).toBe(0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
