import type {
  AuthenticationCreds,
  AuthenticationState,
  SignalDataSet,
  SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import type { SessionState } from '../../domain/channel-state/ports.ts';

/** What Baileys' module gives this file (loaded by the caller: Baileys is loaded lazily). */
export interface BaileysAuthKit {
  BufferJSON: {
    replacer: (key: string, value: unknown) => unknown;
    reviver: (key: string, value: unknown) => unknown;
  };
  initAuthCreds: () => AuthenticationCreds;
  /** `proto.Message.AppStateSyncKeyData.fromObject`: that key type is read back as a message. */
  appStateSyncKeyFromObject: (value: object) => unknown;
}

const CREDS_KEY = 'creds';

/** The stored key of a signal key: `<type>/<id>` (ids hold ":" and "@", never "/" first). */
function signalKey(type: string, id: string): string {
  return `${type}/${id}`;
}

/**
 * Baileys' authentication state on a session store in the database instead of files (issue
 * 14): credentials under one key, each signal key under `<type>/<id>`, every value Baileys'
 * `BufferJSON` text so Buffers and Uint8Arrays come back as bytes. A key Baileys sets to null
 * is deleted. `saveCreds` stores the credentials (on Baileys' `creds.update`).
 */
export async function databaseAuthState(
  session: SessionState,
  kit: BaileysAuthKit,
): Promise<{
  state: AuthenticationState;
  saveCreds: () => Promise<void>;
}> {
  const encode = (value: unknown) => JSON.stringify(value, kit.BufferJSON.replacer);
  const decode = (text: string): unknown => JSON.parse(text, kit.BufferJSON.reviver);
  const stored = (await session.get([CREDS_KEY])).get(CREDS_KEY);
  const creds = stored ? (decode(stored) as AuthenticationCreds) : kit.initAuthCreds();
  return {
    state: {
      creds,
      keys: {
        async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
          const found = await session.get(ids.map((id) => signalKey(type, id)));
          const values: { [id: string]: SignalDataTypeMap[T] } = {};
          for (const id of ids) {
            const text = found.get(signalKey(type, id));
            if (text === undefined) continue;
            let value = decode(text);
            if (type === 'app-state-sync-key' && value)
              value = kit.appStateSyncKeyFromObject(value as object);
            values[id] = value as SignalDataTypeMap[T];
          }
          return values;
        },
        async set(data: SignalDataSet) {
          const entries = new Map<string, string | null>();
          for (const [type, byId] of Object.entries(data)) {
            for (const [id, value] of Object.entries(byId ?? {}))
              entries.set(
                signalKey(type, id),
                value === null || value === undefined ? null : encode(value),
              );
          }
          await session.set(entries);
        },
      },
    },
    saveCreds: () => session.set(new Map([[CREDS_KEY, encode(creds)]])),
  };
}

/** Forgets a logged-out number's credentials, so that the next start pairs it again. */
export function forgetCreds(session: SessionState): Promise<void> {
  return session.set(new Map([[CREDS_KEY, null]]));
}
