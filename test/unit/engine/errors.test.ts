/** A failed turn names its conversation, so logs and HTTP errors can say which one failed. */
import { describe, expect, it } from 'vitest';
import {
  TurnFailed,
  TurnTimedOut,
  VersionConflictsExhausted,
  turnError,
} from '../../../src/bot/engine/errors.ts';
import { FlowTurnTimeout } from '../../../src/flows/run-turn.ts';

describe('errors escaping a turn', () => {
  it('wrap a flow timeout with the conversation id, keeping its code for redelivery', () => {
    const cause = new FlowTurnTimeout('the flow did not come to rest within 10 ms');
    const error = turnError('terminal:ana', cause);
    expect(error).toBeInstanceOf(TurnTimedOut);
    expect(error).toMatchObject({
      code: 'FLOW_TURN_TIMEOUT',
      conversationId: 'terminal:ana',
      cause,
    });
    expect(error.message).toContain('terminal:ana');
  });

  it('wrap any other failure as TurnFailed with its cause', () => {
    const cause = Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    const error = turnError('terminal:ana', cause);
    expect(error).toBeInstanceOf(TurnFailed);
    expect(error).toMatchObject({ code: 'TURN_FAILED', conversationId: 'terminal:ana', cause });
    expect(error.message).toBe('conversation terminal:ana: connection reset');
  });

  it('leave an error that already names its conversation as it is', () => {
    const conflict = new VersionConflictsExhausted('terminal:ana', 'too many version conflicts');
    expect(turnError('terminal:ana', conflict)).toBe(conflict);
  });
});
