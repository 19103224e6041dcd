import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFromEnv } from '../../server/index.js';
import { configFrom } from '../../server/config.js';

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
      // No SFU unless JANUS_URL names a Janus: every room is a mesh.
      sfu: undefined,
      // Abuse limits (each settable; 0 turns most off), and no trusted proxy.
      rateLimits: {
        messagesPerSecond: 50,
        messageBurst: 300,
        disconnectAfter: 500,
        connectionsPerMinute: 600,
        connectionsPerAddress: 500,
      },
      queueLimits: { events: 64, bytes: 1024 * 1024 },
      hashLimits: { concurrency: 1, perKey: 64, total: 1000 },
      maxParticipantsLimit: 1000,
      maxPasswordFailures: 10,
      maxRoomPasswordFailures: 100,
      passwordWindowMs: 15 * 60_000,
      approvalTimeoutMs: 60_000,
      trustProxy: undefined,
    });
  });

  it('every limit is an environment variable and a config.json key; 0 turns one off', () => {
    const env = {
      MESSAGES_PER_SECOND: '0',
      MESSAGE_BURST: '20',
      DISCONNECT_AFTER: '0',
      CONNECTIONS_PER_MINUTE: '0',
      CONNECTIONS_PER_ADDRESS: '7',
      QUEUE_EVENTS: '8',
      QUEUE_BYTES: '65536',
      HASH_CONCURRENCY: '2',
      HASH_QUEUE_PER_ADDRESS: '3',
      HASH_QUEUE_TOTAL: '50',
      MAX_PARTICIPANTS_LIMIT: '0',
      MAX_PASSWORD_FAILURES: '5',
      MAX_ROOM_PASSWORD_FAILURES: '0',
      PASSWORD_WINDOW_MS: '60000',
      APPROVAL_TIMEOUT_MS: '5000',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
    };
    const expected = {
      rateLimits: {
        messagesPerSecond: 0,
        messageBurst: 20,
        disconnectAfter: 0,
        connectionsPerMinute: 0,
        connectionsPerAddress: 7,
      },
      queueLimits: { events: 8, bytes: 65536 },
      hashLimits: { concurrency: 2, perKey: 3, total: 50 },
      maxParticipantsLimit: 0,
      maxPasswordFailures: 5,
      maxRoomPasswordFailures: 0,
      passwordWindowMs: 60_000,
      approvalTimeoutMs: 5000,
      trustProxy: ['loopback', '10.0.0.0/8'],
    };
    const fromEnv = configFromEnv(env);
    const fromFile = configFrom(
      { ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, Number(v) || v])) },
      {},
    );
    for (const config of [fromEnv, fromFile])
      for (const [key, value] of Object.entries(expected))
        assert.deepEqual(config[key as keyof typeof config], value, key);
    assert.equal(configFromEnv({ TRUST_PROXY: '2' }).trustProxy, 2);
    for (const [key, value] of [
      ['MESSAGE_BURST', '0'],
      ['HASH_CONCURRENCY', '0'],
      ['QUEUE_EVENTS', '-1'],
      ['CONNECTIONS_PER_MINUTE', '1.5'],
      ['APPROVAL_TIMEOUT_MS', 'soon'],
      ['TRUST_PROXY', 'not an address'],
      ['TRUST_PROXY', '99'],
    ] as const)
      assert.throws(() => configFromEnv({ [key]: value }), new RegExp(key), `${key}=${value}`);
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
