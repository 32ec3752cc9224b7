import { describe, expect, it } from 'vitest';
import {
  AnnouncementBoard,
  BOARD_FRESH_MS,
} from '../../../src/domain/announcements/announcement-board.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { openTestConnection } from '../../support/database.ts';

describe('the announcement board across processes (issue 17)', () => {
  it("R003-3 / R003-4: a board read within the freshness window is used from memory; an older one is read again and shows another process's announcement", async () => {
    const connection = await openTestConnection();
    let now = 0;
    // Two processes' boards on one database; this one's real time is ours to move.
    const board = new AnnouncementBoard(connection, DEFAULT_POLICY, () => now);
    const other = new AnnouncementBoard(connection, DEFAULT_POLICY);
    await board.init();
    await other.init();
    const at = new Date('2026-03-11T16:00:00Z'); // Wednesday 10:00 in Mexico City
    expect(board.calendarOf('MX').isBusinessTime(at)).toBe(true);
    await other.post({
      kind: 'suspension',
      country: 'MX',
      from: at,
      to: new Date(at.getTime() + 3_600_000),
      note: 'capacitación',
      by: 'supervisora@example.com',
      at,
    });
    // Read moments ago: from memory, the other process's change not seen yet.
    now += BOARD_FRESH_MS - 1;
    await board.current();
    expect(board.calendarOf('MX').isBusinessTime(at)).toBe(true);
    // Older than the window: read again, and the suspension counts.
    now += 2;
    await board.current();
    expect(board.calendarOf('MX').isBusinessTime(at)).toBe(false);
  });
});
