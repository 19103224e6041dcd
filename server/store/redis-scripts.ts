/**
 * The Lua scripts behind RedisRoomStore: each runs atomically inside Redis, so joins racing on
 * different nodes cannot over-fill a room and two sockets cannot take one user id. ARGV[1] is the
 * key prefix in every script. Participants are a JSON array in the room hash (cjson decodes and
 * encodes it; it is never empty, an empty room is deleted).
 */
import { createHash } from 'node:crypto';

export interface Script {
  lua: string;
  sha: string;
}

const PRELUDE = `
local P = ARGV[1]
local function members(key)
  local raw = redis.call('HGET', key, 'participants')
  if not raw then return nil end
  local list = cjson.decode(raw)
  if type(list) ~= 'table' then return {} end
  return list
end
local function save(key, list) redis.call('HSET', key, 'participants', cjson.encode(list)) end
local function contains(list, value)
  for _, x in ipairs(list) do if x == value then return true end end
  return false
end
local function enter(user, room)
  local key = P .. 'user:' .. user
  if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'room', room) end
end
local function exit(user, room)
  local key = P .. 'user:' .. user
  if redis.call('HGET', key, 'room') == room then redis.call('HSET', key, 'room', '') end
end
local function guest(user) return redis.call('HGET', P .. 'user:' .. user, 'role') == 'guest' end
local function drop(key, id)
  local identifier = redis.call('HGET', key, 'identifier')
  redis.call('DEL', key, P .. 'tree:' .. id)
  redis.call('SREM', P .. 'rooms', id)
  if identifier and identifier ~= '' then redis.call('SREM', P .. 'public:' .. identifier, id) end
end
`;

function script(body: string): Script {
  const lua = PRELUDE + body;
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/** KEYS: room. ARGV: prefix, id, owner, field pairs. 1 when created. */
export const CREATE = script(`
local list = members(KEYS[1])
if list and #list > 0 then return 0 end
drop(KEYS[1], ARGV[2])
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('SADD', P .. 'rooms', ARGV[2])
local identifier = redis.call('HGET', KEYS[1], 'identifier')
if identifier ~= '' then redis.call('SADD', P .. 'public:' .. identifier, ARGV[2]) end
enter(ARGV[3], ARGV[2])
return 1
`);

/** KEYS: room. ARGV: prefix, id, user. {'ok', hash} | {'full'} | {'not-found'}. */
export const JOIN = script(`
local list = members(KEYS[1])
if not list or #list == 0 then return {'not-found'} end
if not contains(list, ARGV[3]) then
  if #list >= tonumber(redis.call('HGET', KEYS[1], 'max')) + 1 then return {'full'} end
  table.insert(list, ARGV[3])
  save(KEYS[1], list)
end
if redis.call('HGET', KEYS[1], 'owner') == '' and not guest(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'owner', ARGV[3])
end
enter(ARGV[3], ARGV[2])
return {'ok', redis.call('HGETALL', KEYS[1])}
`);

/**
 * KEYS: room. ARGV: prefix, id, user. {'none', hash?} | {'deleted'} | {'left', hash} |
 * {'moved', hash} | {'closed', remaining, relayLimit}.
 */
export const LEAVE = script(`
exit(ARGV[3], ARGV[2])
local list = members(KEYS[1])
if not list then return {'none'} end
if not contains(list, ARGV[3]) then return {'none', redis.call('HGETALL', KEYS[1])} end
local rest = {}
for _, x in ipairs(list) do if x ~= ARGV[3] then table.insert(rest, x) end end
if #rest == 0 then
  drop(KEYS[1], ARGV[2])
  return {'deleted'}
end
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[3] then
  save(KEYS[1], rest)
  return {'left', redis.call('HGETALL', KEYS[1])}
end
if redis.call('HGET', KEYS[1], 'autoClose') == '1' then
  local relayLimit = redis.call('HGET', KEYS[1], 'relayLimit') or '0'
  drop(KEYS[1], ARGV[2])
  for _, x in ipairs(rest) do exit(x, ARGV[2]) end
  return {'closed', rest, relayLimit}
end
save(KEYS[1], rest)
local owner = ''
for _, x in ipairs(rest) do
  if not guest(x) then
    owner = x
    break
  end
end
redis.call('HSET', KEYS[1], 'owner', owner)
return {'moved', redis.call('HGETALL', KEYS[1])}
`);

/** KEYS: room. ARGV: prefix, id. The hash as it was. */
export const DELETE = script(`
local all = redis.call('HGETALL', KEYS[1])
for _, x in ipairs(members(KEYS[1]) or {}) do exit(x, ARGV[2]) end
drop(KEYS[1], ARGV[2])
return all
`);

/** KEYS: room. ARGV: prefix, field pairs. The hash after, empty when there is no room. */
export const UPDATE = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return redis.call('HGETALL', KEYS[1])
`);

/** KEYS: user. ARGV: prefix, userId, node, field pairs. 1 when claimed. */
export const CLAIM_USER = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('SADD', P .. 'node-users:' .. ARGV[3], ARGV[2])
return 1
`);

/** KEYS: user. ARGV: prefix, userId, sid. */
export const RELEASE_USER = script(`
if redis.call('HGET', KEYS[1], 'sid') ~= ARGV[3] then return 0 end
local node = redis.call('HGET', KEYS[1], 'node')
redis.call('DEL', KEYS[1])
redis.call('SREM', P .. 'node-users:' .. node, ARGV[2])
return 1
`);

/** KEYS: user. ARGV: prefix, sid, extra. */
export const SET_EXTRA = script(`
if redis.call('HGET', KEYS[1], 'sid') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'extra', ARGV[3])
return 1
`);

/** KEYS: from, to (user keys). ARGV: prefix, from, to, sid, alias ttl ms. 1 when renamed. */
export const RENAME_USER = script(`
if redis.call('HGET', KEYS[1], 'sid') ~= ARGV[4] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local room = redis.call('HGET', KEYS[1], 'room')
if room and room ~= '' then
  local key = P .. 'room:' .. room
  local list = members(key)
  if list and #list > 0 then
    if contains(list, ARGV[3]) then return 0 end
    for i, x in ipairs(list) do if x == ARGV[2] then list[i] = ARGV[3] end end
    save(key, list)
    if redis.call('HGET', key, 'owner') == ARGV[2] then redis.call('HSET', key, 'owner', ARGV[3]) end
  end
end
redis.call('RENAME', KEYS[1], KEYS[2])
local node = redis.call('HGET', KEYS[2], 'node')
redis.call('SREM', P .. 'node-users:' .. node, ARGV[2])
redis.call('SADD', P .. 'node-users:' .. node, ARGV[3])
if tonumber(ARGV[5]) > 0 then redis.call('SET', P .. 'alias:' .. ARGV[2], ARGV[3], 'PX', ARGV[5]) end
redis.call('DEL', P .. 'alias:' .. ARGV[3])
return 1
`);

/** KEYS: guesses. ARGV: prefix, delta, window ms. The count after. */
export const ADD_GUESSES = script(`
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n < 0 then
  redis.call('SET', KEYS[1], 0, 'KEEPTTL')
  n = 0
end
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return n
`);

/** ARGV: prefix, node, ttl ms. 0 when another node declared this one dead. */
export const HEARTBEAT = script(`
if redis.call('EXISTS', P .. 'node-dead:' .. ARGV[2]) == 1 then return 0 end
redis.call('SET', P .. 'node:' .. ARGV[2], '1', 'PX', ARGV[3])
redis.call('SADD', P .. 'nodes', ARGV[2])
return 1
`);

/**
 * ARGV: prefix, this node, lock ms. The nodes whose heartbeat expired, each claimed by this node
 * alone (the lock also tells a node that comes back that it was declared dead).
 */
export const CLAIM_DEAD_NODES = script(`
local claimed = {}
for _, n in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
  if n ~= ARGV[2] and redis.call('EXISTS', P .. 'node:' .. n) == 0 then
    if redis.call('SET', P .. 'node-dead:' .. n, ARGV[2], 'NX', 'PX', ARGV[3]) then
      table.insert(claimed, n)
    end
  end
end
return claimed
`);

/** KEYS: room, user. ARGV: prefix. {room hash, user hash}. */
export const ROOM_AND_USER = script(`
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
`);

/**
 * KEYS: user. ARGV: prefix, userId, proof, node, field pairs. The record as it was (flat), or {}
 * when there is none or the proof does not match. Keeps the room; ends any grace period.
 */
export const RESUME_USER = script(`
local token = redis.call('HGET', KEYS[1], 'token')
if not token or token == '' or token ~= ARGV[3] then return {} end
local before = redis.call('HGETALL', KEYS[1])
local node = redis.call('HGET', KEYS[1], 'node')
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('HSET', KEYS[1], 'graceUntil', '0')
redis.call('SREM', P .. 'node-users:' .. node, ARGV[2])
redis.call('SADD', P .. 'node-users:' .. ARGV[4], ARGV[2])
return before
`);

/** KEYS: user. ARGV: prefix, userId, sid, until, node. 1 when set. */
export const SET_GRACE = script(`
if redis.call('HGET', KEYS[1], 'sid') ~= ARGV[3] then return 0 end
local node = redis.call('HGET', KEYS[1], 'node')
redis.call('HSET', KEYS[1], 'graceUntil', ARGV[4], 'node', ARGV[5])
redis.call('SREM', P .. 'node-users:' .. node, ARGV[2])
redis.call('SADD', P .. 'node-users:' .. ARGV[5], ARGV[2])
return 1
`);

/** KEYS: user. ARGV: prefix, userId, sid. The record (flat) when it was still in grace, else {}. */
export const END_GRACE = script(`
if redis.call('HGET', KEYS[1], 'sid') ~= ARGV[3] then return {} end
local grace = tonumber(redis.call('HGET', KEYS[1], 'graceUntil') or '0')
if not grace or grace == 0 then return {} end
local before = redis.call('HGETALL', KEYS[1])
local node = redis.call('HGET', KEYS[1], 'node')
redis.call('DEL', KEYS[1])
redis.call('SREM', P .. 'node-users:' .. node, ARGV[2])
return before
`);

/** KEYS: tree. ARGV: prefix, expected JSON ('' for none), new JSON ('' to delete), room key. 1 when swapped. */
export const SWAP_TREE = script(`
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[2] then return 0 end
if ARGV[3] == '' or redis.call('EXISTS', ARGV[4]) == 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[3])
end
return 1
`);
