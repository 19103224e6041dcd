/** `/metrics`: Prometheus text behind a bearer token; counters move with real traffic. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup, room, startTestServer, uid, user } from './helpers.js';

const TOKEN = 'metrics-token-for-tests';

const scrape = (url: string, token?: string) =>
  fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

const value = (text: string, name: string) =>
  Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);

describe('/metrics', () => {
  afterEach(cleanup);

  it('is off without METRICS_TOKEN, 401 without the right bearer token', async () => {
    const off = await startTestServer();
    assert.equal((await scrape(off.url, TOKEN)).status, 404);
    const on = await startTestServer({ metricsToken: TOKEN });
    assert.equal((await scrape(on.url)).status, 401);
    assert.equal((await scrape(on.url, 'wrong-token-for-tests!!')).status, 401);
    assert.equal((await scrape(on.url, TOKEN)).status, 200);
  });

  it('counts sockets, rooms, joins, relayed messages and rejections', async () => {
    const server = await startTestServer({ metricsToken: TOKEN });
    const aId = uid('m-a');
    const a = await user(server, aId);
    const b = await user(server, uid('m-b'));
    await room(uid('m-room'), a, [b]);
    b.relay(aId, { hello: true });
    await a.waitForRelay(() => true);
    a.socket.emit('open-room', 'not an object', () => undefined);
    await a.barrier();
    const text = await (await scrape(server.url, TOKEN)).text();
    assert.match(text, /^# TYPE rtc_sockets gauge$/m);
    assert.equal(value(text, 'rtc_sockets'), 2);
    assert.equal(value(text, 'rtc_rooms'), 1);
    assert.equal(value(text, 'rtc_rooms_opened_total'), 1);
    assert.equal(value(text, 'rtc_joins_total'), 1);
    assert.ok(value(text, 'rtc_relayed_messages_total') >= 1);
    assert.ok(value(text, 'rtc_rejections_total') >= 1);
    assert.equal(value(text, 'rtc_connections_total'), 2);
  });
});
