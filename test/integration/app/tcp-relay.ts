import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay to a database server that can fail the way a remote server does: `hang()` stops
 * relaying (an overloaded server, a dead network: nothing is refused, nothing answers),
 * `refuse()` breaks every connection and every new one (a server that died), `resume()` relays
 * again on the same address (the server is back).
 */
export interface TcpRelay {
  /** The target's URI with the relay's address. */
  readonly uri: string;
  hang(): void;
  refuse(): void;
  resume(): void;
  close(): void;
}

/** Starts a relay on a free loopback port to the server of `target`. */
export async function startTcpRelay(target: URL): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  let mode: 'relay' | 'hang' | 'refuse' = 'relay';
  const server: Server = createServer((client) => {
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = createConnection(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    if (mode === 'hang') return;
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const uri = new URL(target);
  uri.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    uri: uri.toString(),
    hang() {
      mode = 'hang';
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    refuse() {
      mode = 'refuse';
      for (const socket of sockets) socket.destroy();
    },
    resume() {
      // Connections made while hung stay hung (as a half-dead network leaves them); new ones relay.
      mode = 'relay';
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
