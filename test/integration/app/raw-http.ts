import { connect, type Socket } from 'node:net';

/** A raw TCP connection to a local port: what it received and how it ended. */
export interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves once the server has closed the connection: how (a clean end, or an error). */
  closed: Promise<{ ended: boolean; error: string | null; afterMs: number }>;
}

/** Opens a connection and waits until it is established. */
export async function rawConnection(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  const started = Date.now();
  let data = '';
  let ended = false;
  let error: string | null = null;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (data += chunk));
  socket.on('end', () => (ended = true));
  socket.on('error', (e) => (error = e.message));
  const closed = new Promise<{ ended: boolean; error: string | null; afterMs: number }>((resolve) =>
    socket.on('close', () => resolve({ ended, error, afterMs: Date.now() - started })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => data, closed };
}

/** Writes `text` in `pieces`, a pause between each (a client that sends slowly). */
export async function trickle(socket: Socket, text: string, pieces: number, pauseMs: number) {
  const size = Math.ceil(text.length / pieces);
  for (let i = 0; i < text.length && !socket.destroyed; i += size) {
    socket.write(text.slice(i, i + size));
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
