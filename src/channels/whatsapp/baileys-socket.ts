import type { FastifyBaseLogger } from 'fastify';
import { databaseAuthState } from './auth-state.ts';
import type { SocketFactory, WhatsAppSocket } from './socket.ts';

/**
 * Baileys' own socket (`makeWASocket`) on the session stored in the database, behind the
 * channel's `WhatsAppSocket`. Baileys is loaded here, on first use: the app starts without it
 * when WhatsApp is off. Its optional peers (sharp, jimp, link-preview-js) are not needed: the
 * channel sends text only and no link previews.
 */
export const baileysSocket: SocketFactory = (options) => connectBaileys(options);

/** Baileys' socket; `waWebSocketUrl` points it elsewhere than WhatsApp (a test's server). */
export async function connectBaileys(
  { session, logger }: Parameters<SocketFactory>[0],
  waWebSocketUrl?: string,
): Promise<WhatsAppSocket> {
  const baileys = await import('@whiskeysockets/baileys');
  const {
    default: makeWASocket,
    BufferJSON,
    initAuthCreds,
    proto,
    makeCacheableSignalKeyStore,
  } = baileys;
  const auth = await databaseAuthState(session, {
    BufferJSON,
    initAuthCreds,
    appStateSyncKeyFromObject: (value) => proto.Message.AppStateSyncKeyData.fromObject(value),
  });
  const log = quiet(logger);
  const socket = makeWASocket({
    auth: {
      creds: auth.state.creds,
      keys: makeCacheableSignalKeyStore(auth.state.keys, log),
    },
    logger: log,
    // A support line: no history to import, no "online" shown on the phone's other devices.
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    markOnlineOnConnect: false,
    generateHighQualityLinkPreview: false,
    ...(waWebSocketUrl ? { waWebSocketUrl } : {}),
  });
  socket.ev.on('creds.update', () => {
    auth
      .saveCreds()
      .catch((error: unknown) =>
        logger.error({ err: error }, 'storing the WhatsApp credentials failed'),
      );
  });
  const wrapped: WhatsAppSocket = {
    ev: socket.ev,
    sendMessage: (jid, content, options) => socket.sendMessage(jid, content, options),
    sendPresenceUpdate: (type, jid) => socket.sendPresenceUpdate(type, jid),
    readMessages: (keys) => socket.readMessages(keys),
    requestPairingCode: (phone) => socket.requestPairingCode(phone),
    phoneOfLid: (lid) => socket.signalRepository.lidMapping.getPNForLID(lid),
    downloadMedia: async (message) =>
      new Uint8Array(
        await baileys.downloadMediaMessage(
          message,
          'buffer',
          {},
          { logger: log, reuploadRequest: socket.updateMediaMessage },
        ),
      ),
    end: () => socket.end(undefined),
  };
  return wrapped;
}

/** Baileys logs a great deal at info: only its warnings and errors reach atiende's log. */
function quiet(logger: FastifyBaseLogger): FastifyBaseLogger {
  const child = logger.child({ channel: 'whatsapp', module: 'baileys' });
  if (['trace', 'debug', 'info'].includes(child.level)) child.level = 'warn';
  return child;
}
