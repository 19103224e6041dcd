import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFromEnv } from '../../server/index.js';

describe('configFromEnv', () => {
  it('has safe defaults', () => {
    assert.deepEqual(configFromEnv({}), {
      port: 9001,
      host: '127.0.0.1',
      allowedOrigins: '*',
      iceServers: [],
      logLevel: 'info',
      // No TURN and no room tokens unless configured: `npm start` just works.
      turn: undefined,
      authSecret: undefined,
      metricsToken: undefined,
      // One node, all state in this process.
      redisUrl: undefined,
      // A dropped rtc-elements user keeps its room this long, to resume.
      reconnectGraceMs: 15_000,
    });
  });

  it('parses RECONNECT_GRACE_MS (0 turns resuming off)', () => {
    assert.equal(configFromEnv({ RECONNECT_GRACE_MS: '0' }).reconnectGraceMs, 0);
    assert.equal(configFromEnv({ RECONNECT_GRACE_MS: '60000' }).reconnectGraceMs, 60_000);
    for (const value of ['-1', 'soon', '1.5', '600001'])
      assert.throws(() => configFromEnv({ RECONNECT_GRACE_MS: value }), /RECONNECT_GRACE_MS/);
  });

  it('parses REDIS_URL (redis:// or rediss://, credentials allowed)', () => {
    assert.equal(
      configFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl,
      'redis://127.0.0.1:6379',
    );
    assert.equal(
      configFromEnv({ REDIS_URL: 'rediss://user:secret@redis.internal:6380/2' }).redisUrl,
      'rediss://user:secret@redis.internal:6380/2',
    );
    assert.throws(() => configFromEnv({ REDIS_URL: 'http://x:6379' }), /redis:\/\/ or rediss:\/\//);
    assert.throws(() => configFromEnv({ REDIS_URL: '127.0.0.1:6379' }), /REDIS_URL/);
  });

  it('parses PORT', () => {
    assert.equal(configFromEnv({ PORT: '8080' }).port, 8080);
    assert.equal(configFromEnv({ PORT: '0' }).port, 0);
    assert.equal(configFromEnv({ PORT: '65535' }).port, 65535);
    assert.equal(configFromEnv({ PORT: '' }).port, 9001);
    for (const PORT of ['abc', '-1', '65536', '80.5', '1e9', 'NaN'])
      assert.throws(() => configFromEnv({ PORT }), /PORT/, PORT);
  });

  it('parses HOST', () => {
    assert.equal(configFromEnv({ HOST: '0.0.0.0' }).host, '0.0.0.0');
    assert.equal(configFromEnv({ HOST: '' }).host, '127.0.0.1');
  });

  it('parses ALLOWED_ORIGINS', () => {
    assert.deepEqual(configFromEnv({ ALLOWED_ORIGINS: 'http://a.test' }).allowedOrigins, [
      'http://a.test',
    ]);
    assert.deepEqual(
      configFromEnv({ ALLOWED_ORIGINS: ' https://a.test , http://b.test:8080,' }).allowedOrigins,
      ['https://a.test', 'http://b.test:8080'],
    );
    assert.equal(configFromEnv({ ALLOWED_ORIGINS: '*' }).allowedOrigins, '*');
    assert.equal(configFromEnv({ ALLOWED_ORIGINS: 'http://a.test,*' }).allowedOrigins, '*');
    assert.equal(configFromEnv({ ALLOWED_ORIGINS: ' , ' }).allowedOrigins, '*');
    for (const ALLOWED_ORIGINS of [
      'http://a.test/',
      'http://a.test/path',
      'a.test',
      'not a url',
      'http://a.test,ftp//b',
    ])
      assert.throws(() => configFromEnv({ ALLOWED_ORIGINS }), Error, ALLOWED_ORIGINS);
  });

  it('parses ICE_SERVERS', () => {
    const list = [
      { urls: 'stun:stun.test:3478' },
      { urls: ['turn:turn.test:3478?transport=udp'], username: 'u', credential: 'c' },
    ];
    assert.deepEqual(configFromEnv({ ICE_SERVERS: JSON.stringify(list) }).iceServers, list);
    assert.deepEqual(configFromEnv({ ICE_SERVERS: '[]' }).iceServers, []);
    assert.deepEqual(configFromEnv({ ICE_SERVERS: '' }).iceServers, []);
    for (const ICE_SERVERS of [
      'not json',
      '{"urls":"stun:x"}',
      '"stun:x"',
      '[{"url":"stun:x"}]',
      '[null]',
      '["stun:x"]',
    ])
      assert.throws(() => configFromEnv({ ICE_SERVERS }), Error, ICE_SERVERS);
  });

  it('parses LOG_LEVEL, falling back to info', () => {
    assert.equal(configFromEnv({ LOG_LEVEL: 'silent' }).logLevel, 'silent');
    assert.equal(configFromEnv({ LOG_LEVEL: 'debug' }).logLevel, 'debug');
    for (const LOG_LEVEL of ['verbose', 'INFO', 'toString', 'constructor', '__proto__'])
      assert.equal(configFromEnv({ LOG_LEVEL }).logLevel, 'info', LOG_LEVEL);
  });
});
