import { createClient, type RedisClientType } from '@redis/client';
import type { Extra } from '../../src/protocol/index.js';
import type { Logger } from '../log.js';
import type {
  JoinOutcome,
  LeaveOutcome,
  RoomPatch,
  RoomRecord,
  RoomStore,
  UserRecord,
} from './types.js';
import * as scripts from './redis-scripts.js';
import type { TreeState } from '../broadcast/tree.js';
import type { Script } from './redis-scripts.js';

export type RedisClient = RedisClientType;

/**
 * Room and user state in Redis, shared by every node. Rooms are hashes (`<prefix>room:<id>`),
 * users are hashes (`<prefix>user:<id>`) listed per node (`<prefix>node-users:<node>`) so the
 * users of a node that died can be found; every change that must be atomic is a Lua script.
 * Keys are not hash-tagged: use one Redis (or a primary with replicas), not Redis Cluster.
 */
export class RedisRoomStore implements RoomStore {
  readonly client: RedisClient;
  readonly prefix: string;
  /** This process's node id (users claimed here are listed under it). */
  readonly node: string;

  constructor(client: RedisClient, node: string, prefix = 'rtc:') {
    this.client = client;
    this.node = node;
    this.prefix = prefix;
  }

  async get(id: string): Promise<RoomRecord | undefined> {
    return roomFrom(id, await this.#command<HashReply>(['HGETALL', this.#room(id)]));
  }

  async create(room: RoomRecord): Promise<boolean> {
    const fields = roomFields(room);
    const created = await this.#run<number>(
      scripts.CREATE,
      [this.#room(room.id)],
      [room.id, room.owner, ...fields],
    );
    return created === 1;
  }

  async join(id: string, userId: string): Promise<JoinOutcome> {
    const [result, hash] = await this.#run<[string, string[]?]>(
      scripts.JOIN,
      [this.#room(id)],
      [id, userId],
    );
    if (result === 'ok') {
      const room = roomFrom(id, hash ?? []);
      if (room) return { ok: true, room };
    }
    return { ok: false, reason: result === 'full' ? 'full' : 'not-found' };
  }

  async leave(id: string, userId: string): Promise<LeaveOutcome> {
    const [result, data, relayLimit] = await this.#run<[string, string[]?, string?]>(
      scripts.LEAVE,
      [this.#room(id)],
      [id, userId],
    );
    const outcome: LeaveOutcome = {
      left: result !== 'none',
      room: undefined,
      newOwner: undefined,
      closed: false,
      remaining: [],
      broadcast: false,
    };
    if (result === 'closed')
      return { ...outcome, closed: true, remaining: data ?? [], broadcast: Number(relayLimit) > 0 };
    if (result === 'deleted') return outcome;
    const room = roomFrom(id, data ?? []);
    return { ...outcome, room, newOwner: result === 'moved' ? room?.owner : undefined };
  }

  async delete(id: string): Promise<RoomRecord | undefined> {
    return roomFrom(id, await this.#run<string[]>(scripts.DELETE, [this.#room(id)], [id]));
  }

  async update(id: string, patch: RoomPatch): Promise<RoomRecord | undefined> {
    const fields: string[] = [];
    if ('extra' in patch) fields.push('extra', JSON.stringify(patch.extra ?? {}));
    if ('passwordHash' in patch) fields.push('password', patch.passwordHash ?? '');
    if (fields.length === 0) return this.get(id);
    return roomFrom(id, await this.#run<string[]>(scripts.UPDATE, [this.#room(id)], fields));
  }

  async listPublic(identifier: string): Promise<RoomRecord[]> {
    if (!identifier) return [];
    const ids = await this.#command<string[]>(['SMEMBERS', `${this.prefix}public:${identifier}`]);
    const rooms = await Promise.all(ids.map((id) => this.get(id)));
    return rooms
      .filter((room): room is RoomRecord => !!room && room.participants.length > 0)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async size(): Promise<number> {
    return this.#command<number>(['SCARD', `${this.prefix}rooms`]);
  }

  async claimUser(user: UserRecord): Promise<boolean> {
    const claimed = await this.#run<number>(
      scripts.CLAIM_USER,
      [this.#user(user.userId)],
      [user.userId, user.node, ...userFields(user)],
    );
    return claimed === 1;
  }

  async getUser(userId: string): Promise<UserRecord | undefined> {
    return userFrom(userId, await this.#command<HashReply>(['HGETALL', this.#user(userId)]));
  }

  async getUsers(userIds: string[]): Promise<(UserRecord | undefined)[]> {
    return Promise.all(userIds.map((id) => this.getUser(id)));
  }

  async getRoomAndUser(
    roomId: string,
    userId: string,
  ): Promise<[RoomRecord | undefined, UserRecord | undefined]> {
    const [room, user] = await this.#run<[string[], string[]]>(
      scripts.ROOM_AND_USER,
      [this.#room(roomId), this.#user(userId)],
      [],
    );
    return [roomFrom(roomId, room), userFrom(userId, user)];
  }

  async setUserExtra(userId: string, sid: string, extra: Extra): Promise<void> {
    await this.#run(scripts.SET_EXTRA, [this.#user(userId)], [sid, JSON.stringify(extra)]);
  }

  async renameUser(from: string, to: string, sid: string, aliasTtlMs: number): Promise<boolean> {
    const renamed = await this.#run<number>(
      scripts.RENAME_USER,
      [this.#user(from), this.#user(to)],
      [from, to, sid, String(aliasTtlMs)],
    );
    return renamed === 1;
  }

  async aliasOf(userId: string): Promise<string | undefined> {
    return (
      (await this.#command<string | null>(['GET', `${this.prefix}alias:${userId}`])) ?? undefined
    );
  }

  async releaseUser(userId: string, sid: string): Promise<void> {
    await this.#run(scripts.RELEASE_USER, [this.#user(userId)], [userId, sid]);
  }

  async resumeUser(user: UserRecord, proof: string): Promise<UserRecord | undefined> {
    // The room stays as it is in Redis.
    const fields = userFields(user, 'room');
    const before = await this.#run<string[]>(
      scripts.RESUME_USER,
      [this.#user(user.userId)],
      [user.userId, proof, user.node, ...fields],
    );
    return userFrom(user.userId, before);
  }

  async setGrace(userId: string, sid: string, until: number, node: string): Promise<boolean> {
    const set = await this.#run<number>(
      scripts.SET_GRACE,
      [this.#user(userId)],
      [userId, sid, String(until), node],
    );
    return set === 1;
  }

  async endGrace(userId: string, sid: string): Promise<UserRecord | undefined> {
    const before = await this.#run<string[]>(
      scripts.END_GRACE,
      [this.#user(userId)],
      [userId, sid],
    );
    return userFrom(userId, before);
  }

  async updateTree<T>(
    roomId: string,
    change: (tree: TreeState | undefined) => { tree: TreeState | undefined; result: T },
  ): Promise<T> {
    const key = `${this.prefix}tree:${roomId}`;
    // Optimistic: read, change, and swap only if nobody changed it meanwhile; else again.
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = (await this.#command<string | null>(['GET', key])) ?? '';
      const { tree, result } = change(current ? (JSON.parse(current) as TreeState) : undefined);
      const next = tree ? JSON.stringify(tree) : '';
      const swapped = await this.#run<number>(
        scripts.SWAP_TREE,
        [key],
        [current, next, this.#room(roomId)],
      );
      if (swapped === 1) return result;
    }
    throw new Error(`the relay tree of "${roomId}" kept changing under us`);
  }

  async getTree(roomId: string): Promise<TreeState | undefined> {
    const raw = await this.#command<string | null>(['GET', `${this.prefix}tree:${roomId}`]);
    return raw ? (JSON.parse(raw) as TreeState) : undefined;
  }

  async addGuesses(roomId: string, delta: number, windowMs: number): Promise<number> {
    return this.#run<number>(
      scripts.ADD_GUESSES,
      [`${this.prefix}guess:${roomId}`],
      [String(delta), String(windowMs)],
    );
  }

  async clearGuesses(roomId: string): Promise<void> {
    await this.#command(['DEL', `${this.prefix}guess:${roomId}`]);
  }

  /** Marks this node alive for `ttlMs`; false when another node has declared it dead. */
  async heartbeat(ttlMs: number): Promise<boolean> {
    return (await this.#run<number>(scripts.HEARTBEAT, [], [this.node, String(ttlMs)])) === 1;
  }

  /** Nodes whose heartbeat expired, each handed to exactly one live node for cleanup. */
  async claimDeadNodes(lockMs: number): Promise<string[]> {
    return this.#run<string[]>(scripts.CLAIM_DEAD_NODES, [], [this.node, String(lockMs)]);
  }

  /** The users a node had registered. */
  async nodeUsers(node: string): Promise<UserRecord[]> {
    const ids = await this.#command<string[]>(['SMEMBERS', `${this.prefix}node-users:${node}`]);
    const users = await this.getUsers(ids);
    return users.filter((user): user is UserRecord => !!user && user.node === node);
  }

  /** Drops a node (after its users were cleaned up, or when it shuts down cleanly). */
  async forgetNode(node: string): Promise<void> {
    await this.client
      .multi()
      .del(`${this.prefix}node-users:${node}`)
      .del(`${this.prefix}node:${node}`)
      .sRem(`${this.prefix}nodes`, node)
      .exec();
  }

  #room(id: string): string {
    return `${this.prefix}room:${id}`;
  }

  #user(id: string): string {
    return `${this.prefix}user:${id}`;
  }

  #command<T>(args: string[]): Promise<T> {
    return this.client.sendCommand<T>(args);
  }

  /** EVALSHA, falling back to EVAL the first time Redis has not seen the script. */
  async #run<T = unknown>(script: Script, keys: string[], args: string[]): Promise<T> {
    const rest = [String(keys.length), ...keys, this.prefix, ...args];
    try {
      return await this.#command<T>(['EVALSHA', script.sha, ...rest]);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.#command<T>(['EVAL', script.lua, ...rest]);
    }
  }
}

/** A hash reply: a flat array (RESP2, and from Lua) or a map (RESP3). */
type HashReply = string[] | Record<string, string>;

function pairs(flat: HashReply): Record<string, string> {
  if (!Array.isArray(flat)) return { ...flat };
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const [key, value] = [flat[i], flat[i + 1]];
    if (key !== undefined && value !== undefined) hash[key] = value;
  }
  return hash;
}

function json<T>(raw: string | undefined, fallback: T): T {
  try {
    return raw === undefined ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

function roomFields(room: RoomRecord): string[] {
  return [
    'owner',
    room.owner,
    'participants',
    JSON.stringify(room.participants),
    'max',
    String(room.maxParticipants),
    'extra',
    JSON.stringify(room.extra),
    'session',
    JSON.stringify(room.session),
    'password',
    room.passwordHash ?? '',
    'identifier',
    room.identifier,
    'autoClose',
    room.autoClose ? '1' : '0',
    'approveJoins',
    room.approveJoins ? '1' : '0',
    'relayLimit',
    String(room.relayLimit),
    'createdAt',
    String(room.createdAt),
  ];
}

function roomFrom(id: string, reply: HashReply): RoomRecord | undefined {
  const hash = pairs(reply);
  if (Object.keys(hash).length === 0) return undefined;
  const participants = json<unknown>(hash['participants'], []);
  return {
    id,
    owner: hash['owner'] ?? '',
    participants: Array.isArray(participants) ? (participants as string[]) : [],
    maxParticipants: Number(hash['max'] ?? 0),
    extra: json(hash['extra'], {}),
    session: json(hash['session'], {}),
    passwordHash: hash['password'] || undefined,
    identifier: hash['identifier'] ?? '',
    autoClose: hash['autoClose'] === '1',
    approveJoins: hash['approveJoins'] === '1',
    relayLimit: Number(hash['relayLimit'] ?? 0),
    createdAt: Number(hash['createdAt'] ?? 0),
  };
}

function userFields(user: UserRecord, omit?: keyof UserRecord): string[] {
  const fields = [
    'node',
    user.node,
    'sid',
    user.sid,
    'event',
    user.event,
    'extra',
    JSON.stringify(user.extra),
    'room',
    user.room,
    'modern',
    user.modern ? '1' : '0',
    'token',
    user.token,
    'graceUntil',
    String(user.graceUntil),
    'role',
    user.role,
  ];
  const at = omit ? fields.indexOf(omit) : -1;
  if (at >= 0) fields.splice(at, 2);
  return fields;
}

function userFrom(userId: string, reply: HashReply): UserRecord | undefined {
  const hash = pairs(reply);
  if (Object.keys(hash).length === 0) return undefined;
  return {
    userId,
    node: hash['node'] ?? '',
    sid: hash['sid'] ?? '',
    event: hash['event'] ?? '',
    extra: json(hash['extra'], {}),
    room: hash['room'] ?? '',
    modern: hash['modern'] === '1',
    token: hash['token'] ?? '',
    graceUntil: Number(hash['graceUntil'] ?? 0),
    role: hash['role'] ?? '',
  };
}

export interface RedisConnection {
  store: RedisRoomStore;
  /** Publishes (and runs the store's commands). */
  pub: RedisClient;
  /** Subscribes, for the socket.io adapter. */
  sub: RedisClient;
  prefix: string;
  close(): Promise<void>;
}

/** A Redis URL with any password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Connects to Redis for a node: the store client (which also publishes) and a subscriber for the
 * socket.io adapter. Fails within `timeoutMs` when Redis cannot be reached.
 */
export async function connectRedis(
  url: string,
  options: { node?: string; prefix?: string; logger?: Logger; timeoutMs?: number } = {},
): Promise<RedisConnection> {
  const prefix = options.prefix ?? 'rtc:';
  const node = options.node ?? crypto.randomUUID();
  const pub = createClient({ url }) as RedisClient;
  const sub = pub.duplicate() as RedisClient;
  let lastError = '';
  for (const client of [pub, sub]) {
    client.on('error', (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (message === lastError) return;
      lastError = message;
      options.logger?.error('redis', { error: message, url: redactUrl(url) });
    });
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const connecting = Promise.all([pub.connect(), sub.connect()]);
  connecting.catch(() => undefined);
  try {
    await Promise.race([
      connecting,
      new Promise((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`cannot reach Redis at ${redactUrl(url)} within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    for (const client of [pub, sub]) client.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const store = new RedisRoomStore(pub, node, prefix);
  return {
    store,
    pub,
    sub,
    prefix,
    async close() {
      await Promise.allSettled([pub.close(), sub.close()]);
    },
  };
}
