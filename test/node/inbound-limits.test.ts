/** The pieces behind the server's limits: the JSON check, the socket queue, the fair queue. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkJson } from '../../src/protocol/json-check.js';
import { SocketQueue } from '../../server/socket-queue.js';
import { BusyError, FairQueue } from '../../server/fair-queue.js';
import { PacketBudget } from '../../server/rate-limit.js';

const limits = { maxDepth: 8, maxBytes: 1000 };

describe('checkJson', () => {
  it('accepts plain JSON within depth and size, and measures it', () => {
    const value = { a: [1, 'two', null, true, { b: 'x' }] };
    const check = checkJson(value, limits);
    assert.ok(check.ok);
    assert.ok(check.bytes >= JSON.stringify(value).length);
  });

  it('refuses depth, size, binary, class instances, functions and non-finite numbers', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 9; i++) deep = [deep];
    const refused: [string, unknown][] = [
      ['too deep', deep],
      ['too large', { s: 'x'.repeat(1000) }],
      ['non-ASCII counted at most 3 bytes a unit', { s: 'é'.repeat(400) }],
      ['binary', { b: new Uint8Array(4) }],
      ['a Buffer', Buffer.from('x')],
      ['a class instance', { d: new Date() }],
      ['a function', { f: () => 1 }],
      ['NaN', { n: Number.NaN }],
      ['Infinity', [Number.POSITIVE_INFINITY]],
      ['a bigint', { n: 1n }],
    ];
    for (const [what, value] of refused) assert.equal(checkJson(value, limits).ok, false, what);
  });

  it('walks a million levels without recursion', () => {
    let deep: unknown = [];
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    assert.equal(checkJson(deep, { maxDepth: 2_000_000, maxBytes: 1e9 }).ok, true);
    assert.equal(checkJson(deep, { maxDepth: 1024, maxBytes: 1e9 }).ok, false);
  });
});

describe('SocketQueue', () => {
  it('runs tasks in order, one at a time, and refuses past its bounds', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const queue = new SocketQueue(gate, { events: 3, bytes: 100 });
    const order: number[] = [];
    const task = (n: number) => async () => void order.push(n);
    assert.equal(queue.push(10, task(1)), true);
    assert.equal(queue.push(10, task(2)), true);
    assert.equal(queue.push(200, task(9)), false, 'too many bytes');
    assert.equal(queue.push(10, task(3)), true);
    assert.equal(queue.push(10, task(9)), false, 'too many requests');
    void queue.always(task(4));
    open();
    await queue.always(async () => undefined);
    assert.deepEqual(order, [1, 2, 3, 4]);
    // Room again once they ran; a task that throws does not stop the next.
    assert.equal(
      queue.push(10, () => Promise.reject(new Error('x'))),
      true,
    );
    assert.equal(queue.push(10, task(5)), true);
    await queue.always(async () => undefined);
    assert.deepEqual(order, [1, 2, 3, 4, 5]);
  });
});

describe('FairQueue', () => {
  it('serves clients in turn, runs at most `concurrency` at once, refuses past its bounds', async () => {
    const queue = new FairQueue({ concurrency: 1, perKey: 2, total: 4 });
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const job = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      order.push(name);
      running--;
    };
    // A greedy client queues three (one runs at once, two wait: its limit), two others one each:
    // each waiting client gets one turn a round, so they are not stuck behind it.
    const done = [
      queue.run('greedy', job('g1')),
      queue.run('greedy', job('g2')),
      queue.run('greedy', job('g3')),
      queue.run('a', job('a1')),
      queue.run('b', job('b1')),
    ];
    await assert.rejects(queue.run('greedy', job('g4')), BusyError);
    await assert.rejects(queue.run('c', job('c1')), BusyError);
    await Promise.all(done);
    assert.equal(most, 1);
    assert.deepEqual(order, ['g1', 'g2', 'a1', 'b1', 'g3']);
  });

  it('a job that fails rejects its caller only', async () => {
    const queue = new FairQueue({ concurrency: 2, perKey: 4, total: 10 });
    await assert.rejects(
      queue.run('k', () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await queue.run('k', async () => 42), 42);
  });
});

describe('PacketBudget', () => {
  it('cuts off a flood even when a busy server spreads its packets out', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 0 });
    const budget = new PacketBudget({
      messagesPerSecond: 20,
      messageBurst: 50,
      disconnectAfter: 200,
      connectionsPerMinute: 0,
      connectionsPerAddress: 0,
    });
    const verdicts: string[] = [];
    // 1,000 packets processed 5 ms apart (a token trickles back every 50 ms).
    for (let i = 0; i < 1000 && verdicts.at(-1) !== 'flood'; i++) {
      verdicts.push(budget.take());
      t.mock.timers.tick(5);
    }
    assert.equal(verdicts.at(-1), 'flood');
    assert.ok(verdicts.filter((v) => v === 'ok').length > 50, 'tokens did trickle back');
  });

  it('a socket merely at its rate is never cut off', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 0 });
    const budget = new PacketBudget({
      messagesPerSecond: 20,
      messageBurst: 5,
      disconnectAfter: 10,
      connectionsPerMinute: 0,
      connectionsPerAddress: 0,
    });
    for (let i = 0; i < 2000; i++) {
      assert.notEqual(budget.take(), 'flood');
      t.mock.timers.tick(40);
    }
  });
});
