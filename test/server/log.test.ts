/** Structured logs: one JSON object per line (or a readable line in a terminal), by level. */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { createLogger } from '../../server/log.js';

describe('logger', () => {
  it('writes one JSON object per line, errors and warnings to stderr, below the level nothing', () => {
    const out = mock.method(console, 'log', () => undefined);
    const err = mock.method(console, 'error', () => undefined);
    try {
      const log = createLogger('info', 'json');
      log.info('room opened', { roomId: 'r1' });
      log.warn('dropped "relay"', { userId: 'u1' });
      log.debug('not shown');
      assert.equal(out.mock.callCount(), 1);
      assert.equal(err.mock.callCount(), 1);
      const line = JSON.parse(String(out.mock.calls[0]!.arguments[0])) as Record<string, unknown>;
      assert.equal(line['level'], 'info');
      assert.equal(line['msg'], 'room opened');
      assert.equal(line['roomId'], 'r1');
      assert.ok(!Number.isNaN(Date.parse(String(line['time']))));
      createLogger('debug', 'pretty').debug('readable', { a: 1 });
      assert.equal(out.mock.calls[1]!.arguments[0], '[rtc-elements] debug: readable {"a":1}');
    } finally {
      out.mock.restore();
      err.mock.restore();
    }
  });
});
