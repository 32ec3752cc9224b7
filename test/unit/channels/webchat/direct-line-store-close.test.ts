/**
 * Issue 17: a clean stop closes the database only after the web chat streams' reads of their
 * logs end. A read under way when the client closed failed (a MongoNotConnectedError logged).
 */
import { describe, expect, it } from 'vitest';
import { DirectLineStore } from '../../../../src/channels/webchat/direct-line-store.ts';
import type { ChannelLogs, LoggedEntry } from '../../../../src/domain/channel-log/index.ts';

/** A log whose reads wait until let go, counting those begun and ended. */
class HeldLog implements ChannelLogs {
  begun = 0;
  ended = 0;
  #release: (() => void)[] = [];
  async append(): Promise<LoggedEntry> {
    throw new Error('not appended to here');
  }
  async end(): Promise<number> {
    return 0;
  }
  async read(): Promise<LoggedEntry[]> {
    this.begun++;
    await new Promise<void>((resolve) => this.#release.push(resolve));
    this.ended++;
    return [];
  }
  letGo(): void {
    for (const release of this.#release.splice(0)) release();
  }
}

describe('Direct Line streams at a stop (issue 17)', () => {
  it('close waits for the read under way, and no stream reads after it', async () => {
    const log = new HeldLog();
    const store = new DirectLineStore(
      log,
      () => new Date(),
      (error) => {
        throw error;
      },
      1,
    );
    store.listen('dlc_a', 0, () => undefined);
    await expect.poll(() => log.begun).toBe(1);
    let closed = false;
    const closing = store.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    log.letGo();
    await closing;
    expect(log.ended).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log.begun).toBe(1);
  });
});
