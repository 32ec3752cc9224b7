/**
 * A workaround for a hang in the MongoDB Node.js driver (7.8.0 and 7.9.0 alike), found by
 * killing the database under turns in flight: an operation can wait forever, past every
 * timeout, and with it the turn and the conversation queued behind it.
 *
 * How: the server dies; an idle pooled connection's socket reads the server's FIN and destroys
 * itself, and emits 'close' a moment later. An operation that checks the connection out in
 * between (the pool still takes it for open) writes to the destroyed socket: `write()` returns
 * false, and `Connection.writeCommand` waits for a 'drain' or 'error' event that a destroyed
 * socket never emits. The 'close' that follows fails only a read under way, and there is none
 * yet; the socket timeout cannot fire on a destroyed socket either.
 *
 * The fix: when a connection closes, a command waiting for its write to drain is woken (the
 * socket is sent the 'drain' it will never send itself); the driver then finds the connection
 * closed and fails the command with the connection's error (`MongoNetworkError`), as it does
 * for a read under way. Nothing changes while the connection is open: no cost per command.
 * Applied once, when this module is loaded (`connect.ts` imports it). Remove it once the driver
 * settles a pending write on close.
 */
import { createRequire } from 'node:module';

/** The parts of the driver's internal `Connection` the fix touches. */
interface DriverConnection {
  readonly closed: boolean;
  readonly socket: { emit(event: 'drain'): boolean };
}

type Cleanup = (this: DriverConnection, error: unknown) => void;

const PATCHED = Symbol.for('atiende.driverFixes.cleanup');

/** The driver's `Connection` prototype (internal: not in its public API, hence the checks). */
function connectionPrototype(): Record<string | symbol, unknown> {
  const require = createRequire(import.meta.url);
  const { Connection } = require('mongodb/lib/cmap/connection.js') as {
    Connection?: { prototype: Record<string | symbol, unknown> };
  };
  const prototype = Connection?.prototype;
  if (typeof prototype?.cleanup !== 'function' || typeof prototype.writeCommand !== 'function')
    throw new Error('the MongoDB driver changed its Connection: review driver-fixes.ts');
  return prototype;
}

/** Applies the fix (once per process). */
export function applyDriverFixes(): void {
  const prototype = connectionPrototype();
  if (prototype[PATCHED]) return;
  const cleanup = prototype.cleanup as Cleanup;
  prototype.cleanup = function (this: DriverConnection, error: unknown) {
    const wasOpen = !this.closed;
    cleanup.call(this, error);
    if (wasOpen) this.socket.emit('drain');
  };
  prototype[PATCHED] = true;
}

applyDriverFixes();
