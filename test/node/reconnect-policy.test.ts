import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultReconnectPolicy, nextDelay } from '../../src/engine/room/reconnect-policy.js';

test('the default policy: at once (or the server hint), then 1 s doubling to 5 s with jitter, until the timeout', () => {
  const policy = defaultReconnectPolicy(60_000);
  assert.equal(policy({ attempt: 1, elapsedMs: 0, retryAfterMs: 0 }), 0);
  assert.equal(policy({ attempt: 1, elapsedMs: 0, retryAfterMs: 1500 }), 1500);
  for (const [attempt, base] of [
    [2, 1000],
    [3, 2000],
    [4, 4000],
    [5, 5000],
    [12, 5000],
  ] as const) {
    const delay = policy({ attempt, elapsedMs: 1000, retryAfterMs: 0 })!;
    assert.ok(delay >= base * 0.75 && delay <= base * 1.25, `try ${attempt}: ${delay}`);
  }
  assert.equal(policy({ attempt: 9, elapsedMs: 60_001, retryAfterMs: 0 }), null);
});

test("an app's policy that throws or answers nonsense gives up", () => {
  const context = { attempt: 2, elapsedMs: 10, retryAfterMs: 0 };
  assert.equal(
    nextDelay(() => 250, context),
    250,
  );
  assert.equal(
    nextDelay(() => null, context),
    null,
  );
  assert.equal(
    nextDelay(() => {
      throw new Error('bug');
    }, context),
    null,
  );
  for (const answer of [-1, Number.NaN, Number.POSITIVE_INFINITY, '100' as unknown as number])
    assert.equal(
      nextDelay(() => answer, context),
      null,
      String(answer),
    );
});
