/**
 * A process that contends for a WhatsApp number's lease, as the WhatsApp channel of an atiende
 * process does, forked by the lease tests with an IPC channel:
 *
 *   fork('test/support/lease-worker.ts', [], { execArgv: ['--import', 'tsx'],
 *        env: { WORKER_URI, WORKER_NAME, LEASE_TIMINGS } })
 *
 * It tells the parent when it acquires and loses the lease; while it holds it, it "sends" (an
 * insert into `lease_actions`, as a socket's send would go out) every 20 ms, checking `holds()`
 * right before, as the channel does before each message — so the parent can check from the
 * database that two holders never acted at once.
 */
import mongoose from 'mongoose';
import { LeaseKeeper, LeaseStore } from '../../src/domain/channel-state/index.ts';
import { systemClock } from '../../src/domain/clock.ts';

/** What the worker tells its parent. */
export type LeaseWorkerReply =
  | { type: 'ready' }
  | { type: 'acquired'; term: number; at: number }
  | { type: 'lost'; term: number; reason: string; at: number };

function send(reply: LeaseWorkerReply): void {
  process.send?.(reply);
}

async function main(): Promise<void> {
  const uri = process.env.WORKER_URI!;
  const name = process.env.WORKER_NAME!;
  const timings = JSON.parse(process.env.LEASE_TIMINGS!) as ConstructorParameters<
    typeof LeaseKeeper
  >[3];
  const connection = mongoose.createConnection(uri, { autoIndex: false });
  await connection.asPromise();
  const store = new LeaseStore(connection);
  await store.init();
  const actions = connection.collection<{ _id: string; worker: string; term: number; at: Date }>(
    'lease_actions',
  );
  let count = 0;
  const lease = new LeaseKeeper(store, name, systemClock, timings).keep('whatsapp:main', {
    onAcquired: (term) => send({ type: 'acquired', term, at: Date.now() }),
    onLost: (term, reason) => send({ type: 'lost', term, reason, at: Date.now() }),
  });
  const act = async () => {
    if (lease.holds())
      await actions.insertOne({
        _id: `${name}:${++count}`,
        worker: name,
        term: lease.term!,
        at: new Date(),
      });
  };
  const loop = () =>
    void act()
      .catch(() => undefined)
      .finally(() => setTimeout(loop, 20));
  loop();
  send({ type: 'ready' });
}

// The parent is gone: so is this process.
process.on('disconnect', () => process.exit(0));
main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
