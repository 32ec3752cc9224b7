/**
 * Replies a dead process stored but did not deliver (the outbox journal's pending records),
 * delivered by a live one. A journaled version is taken for abandoned when an earlier sweep of
 * this process already saw it pending: live processes deliver in milliseconds.
 */
import type { EngineLog } from './engine-options.ts';
import type { ConversationState } from './state.ts';
import type { EngineStores } from './store/index.ts';

/** What a sweep needs of the engine. */
export interface RecoveryDeps {
  readonly stores: Pick<EngineStores, 'journal' | 'versions'>;
  /** Runs work in the conversation's turn order. */
  readonly serial: (conversationId: string, work: () => Promise<void>) => Promise<void>;
  /** Delivers a stored version's replies. */
  readonly deliver: (state: ConversationState) => Promise<void>;
  readonly log?: EngineLog;
}

/** The sweeps of one process: it remembers what its last sweep saw pending. */
export class DeliveryRecovery {
  #suspects = new Set<string>();

  constructor(private readonly deps: RecoveryDeps) {}

  /** Delivers what was pending at the last sweep and still is; returns how many versions. */
  async sweep(): Promise<number> {
    const { stores, serial, deliver, log } = this.deps;
    const records = await stores.journal.pendingRecords();
    const keyOf = (r: { id: string; bucket: number }) => `${r.bucket}/${r.id}`;
    const abandoned = records.filter((r) => this.#suspects.has(keyOf(r)));
    this.#suspects = new Set(records.filter((r) => !this.#suspects.has(keyOf(r))).map(keyOf));
    let count = 0;
    for (const state of await stores.versions.statesOf(abandoned)) {
      try {
        await serial(state.conversationId, async () => {
          await deliver(state);
          count++;
        });
      } catch (error) {
        // A network that cannot send from this process now (a WhatsApp number another process
        // holds, a socket reconnecting) must hold up neither the others nor the start: the
        // version stays pending, and a later sweep (here or in the holder) sends it.
        log?.warn(
          { err: error, conversationId: state.conversationId },
          'recovered replies not delivered: left pending for a later sweep',
        );
      }
    }
    return count;
  }
}
