import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamRegistry } from '../../src/engine/room/stream-registry.js';
import type { StreamInfo } from '../../src/engine/room/types.js';

const stream = (id: string) => ({ id }) as MediaStream;

test('announces each stream once when it comes and once when it goes, local first', () => {
  const heard: string[] = [];
  const streams = new StreamRegistry((event, info) =>
    heard.push(`${event} ${info.type}:${info.userId}:${info.stream.id}`),
  );
  const remote: StreamInfo = { type: 'remote', userId: 'b', stream: stream('s2'), isScreen: false };
  streams.add(remote);
  streams.add({ type: 'local', userId: 'a', stream: stream('s1'), isScreen: false });
  streams.add({ ...remote });
  assert.deepEqual(
    streams.list.map((s) => s.stream.id),
    ['s1', 's2'],
  );
  streams.remove('remote', 'b', remote.stream);
  streams.remove('remote', 'b', remote.stream);
  assert.deepEqual(heard, ['stream remote:b:s2', 'stream local:a:s1', 'stream-ended remote:b:s2']);
});

test("a user's new id: its streams of that type follow, once", () => {
  const ended: string[] = [];
  const streams = new StreamRegistry((event, info) => {
    if (event === 'stream-ended') ended.push(`${info.userId}:${info.stream.id}`);
  });
  const camera = stream('cam');
  streams.add({ type: 'remote', userId: 'old', stream: camera, isScreen: false });
  streams.add({ type: 'local', userId: 'old', stream: stream('mine'), isScreen: false });
  assert.equal(streams.rename('remote', 'old', 'new'), true);
  assert.equal(streams.rename('remote', 'old', 'new'), false);
  // Known under the new id only; the local stream of the same id is untouched.
  streams.remove('remote', 'old', camera);
  assert.deepEqual(ended, []);
  streams.remove('remote', 'new', camera);
  assert.deepEqual(ended, ['new:cam']);
  streams.clear();
  assert.deepEqual(ended, ['new:cam', 'old:mine']);
  assert.deepEqual(streams.list, []);
});
