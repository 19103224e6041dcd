import type { Extra, Session } from '../src/engine/signaling/protocol.js';
import type { TreeState } from './broadcast/tree.js';

/** What the server keeps about a room. Never holds a plaintext password. */
export interface RoomRecord {
  id: string;
  owner: string;
  /** User ids in arrival order; the owner included. */
  participants: string[];
  /** How many users besides the opener may join (the seed's `maxParticipantsAllowed`). */
  maxParticipants: number;
  /** The owner's extra, as v3's `check-presence` and public room lists show it. */
  extra: Extra;
  session: Session;
  passwordHash: string | undefined;
  /** Public room identifier (`publicRoomIdentifier`), '' when not listed. */
  identifier: string;
  /** Close the room for everyone when the owner leaves. */
  autoClose: boolean;
  /** Every join waits for the owner's decision. */
  approveJoins: boolean;
  /** A scalable broadcast: each member forwards to at most this many others (0: a mesh). */
  relayLimit: number;
  createdAt: number;
}

/** Fields of a room that may change after it was opened (owner and participants move by join/leave). */
export type RoomPatch = Partial<Pick<RoomRecord, 'extra' | 'passwordHash'>>;

/** A connected user, as every node sees it. */
export interface UserRecord {
  userId: string;
  /** The node the user's socket is on, and the socket's id (a stale release is a no-op). */
  node: string;
  sid: string;
  /** The relay event the user's client listens to (v3's `socketMessageEvent`). */
  event: string;
  extra: Extra;
  /** The room the user is in, '' for none (kept by create/join/leave). */
  room: string;
  /** An rtc-elements client. */
  modern: boolean;
  /** SHA-256 (hex) of the secret that lets this client resume its session; '' for none. */
  token: string;
  /** While the socket is gone and the user keeps its room: until when (ms); 0 when connected. */
  graceUntil: number;
  /**
   * The role its room token gives (`owner` or `guest`), '' on a server without tokens. A guest
   * never becomes a room's owner: ownership moves to the next participant who is not one.
   */
  role: string;
}

export type JoinOutcome =
  { ok: true; room: RoomRecord } | { ok: false; reason: 'not-found' | 'full' };

export interface LeaveOutcome {
  /** True when the user was in the room (and now is not). */
  left: boolean;
  /** The room after the user left; undefined when it was deleted. */
  room: RoomRecord | undefined;
  /** Set when ownership moved to another participant. */
  newOwner: string | undefined;
  /** True when the room was closed for everyone (owner left with autoClose). */
  closed: boolean;
  /** Who was still in the room when it closed. */
  remaining: string[];
  /** The room that closed was a scalable broadcast. */
  broadcast: boolean;
}

/**
 * Room and user state behind one interface, so it lives in memory (default, one node) or in Redis
 * (several nodes). Every method is atomic: joiners racing on different nodes cannot over-fill a
 * room, two sockets cannot take one user id.
 */
export interface RoomStore {
  get(id: string): Promise<RoomRecord | undefined>;
  /** Creates the room unless one with participants exists; the owner's user record moves in. */
  create(room: RoomRecord): Promise<boolean>;
  /** Adds a participant unless the room is missing or full; takes an ownerless room unless a guest. */
  join(id: string, userId: string): Promise<JoinOutcome>;
  /**
   * Removes a participant; moves ownership (to the longest-present participant who is not a
   * guest; none: the room has no owner until one joins) or closes the room as needed.
   */
  leave(id: string, userId: string): Promise<LeaveOutcome>;
  /** Deletes the room; returns it as it was. */
  delete(id: string): Promise<RoomRecord | undefined>;
  /** Replaces fields of an existing room. */
  update(id: string, patch: RoomPatch): Promise<RoomRecord | undefined>;
  /** Rooms listed under a public identifier. */
  listPublic(identifier: string): Promise<RoomRecord[]>;
  /** Number of rooms (for metrics and leak checks). */
  size(): Promise<number>;

  /** Registers a connected user; false when the id is taken (on any node). */
  claimUser(user: UserRecord): Promise<boolean>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  getUsers(userIds: string[]): Promise<(UserRecord | undefined)[]>;
  /** A room and a user at once (a relay's lookup: one round trip to a shared store). */
  getRoomAndUser(
    roomId: string,
    userId: string,
  ): Promise<[RoomRecord | undefined, UserRecord | undefined]>;
  /** Stores a user's new extra (only from the socket that holds the id). */
  setUserExtra(userId: string, sid: string, extra: Extra): Promise<void>;
  /**
   * Renames a user held by `sid`, in its room too (ownership included), and remembers the old id
   * for `aliasTtlMs` (0: not at all); drops any alias of `to`. False when `to` is taken or
   * already in the room.
   */
  renameUser(from: string, to: string, sid: string, aliasTtlMs: number): Promise<boolean>;
  /** The id a user renamed to within the alias period, if any. */
  aliasOf(userId: string): Promise<string | undefined>;
  /** Forgets a user, if `sid` still holds the id. */
  releaseUser(userId: string, sid: string): Promise<void>;
  /**
   * A client proving with the secret behind `user.token` that it is the same client takes its
   * id over (new node, socket, token; room and grace kept/ended). Returns the record as it was,
   * or undefined (no such user, or another secret).
   */
  resumeUser(user: UserRecord, proof: string): Promise<UserRecord | undefined>;
  /** Marks a user held by `sid` as gone until `until`, listed under `node` (which will end it). */
  setGrace(userId: string, sid: string, until: number, node: string): Promise<boolean>;
  /** Ends a grace period: forgets the user and returns its record, unless it resumed meanwhile. */
  endGrace(userId: string, sid: string): Promise<UserRecord | undefined>;

  /**
   * Changes a broadcast's relay tree atomically: `change` gets the stored tree (undefined when
   * there is none) and returns the new one (undefined deletes it) and a result. With a shared
   * store it may run again when another node changed the tree meanwhile. A room's tree goes
   * with the room.
   */
  updateTree<T>(
    roomId: string,
    change: (tree: TreeState | undefined) => { tree: TreeState | undefined; result: T },
  ): Promise<T>;
  getTree(roomId: string): Promise<TreeState | undefined>;

  /** Adds `delta` wrong password guesses to a room's count (a window starts with the first). */
  addGuesses(roomId: string, delta: number, windowMs: number): Promise<number>;
  clearGuesses(roomId: string): Promise<void>;
}

/** True when no one else may join: `maxParticipants` others besides the opener are in. */
export function isFull(room: RoomRecord): boolean {
  return room.participants.length >= room.maxParticipants + 1;
}

const NO_LEAVE: LeaveOutcome = {
  left: false,
  room: undefined,
  newOwner: undefined,
  closed: false,
  remaining: [],
  broadcast: false,
};

/** In-process store: the default, nothing to install. */
export class MemoryRoomStore implements RoomStore {
  #rooms = new Map<string, RoomRecord>();
  #users = new Map<string, UserRecord>();
  #aliases = new Map<string, { to: string; until: number }>();
  #guesses = new Map<string, { count: number; until: number }>();
  #trees = new Map<string, TreeState>();

  async get(id: string): Promise<RoomRecord | undefined> {
    const room = this.#rooms.get(id);
    return room && structuredClone(room);
  }

  async create(room: RoomRecord): Promise<boolean> {
    const existing = this.#rooms.get(room.id);
    if (existing && existing.participants.length > 0) return false;
    this.#rooms.set(room.id, structuredClone(room));
    this.#trees.delete(room.id);
    this.#enter(room.owner, room.id);
    return true;
  }

  async join(id: string, userId: string): Promise<JoinOutcome> {
    const room = this.#rooms.get(id);
    if (!room || room.participants.length === 0) return { ok: false, reason: 'not-found' };
    if (!room.participants.includes(userId)) {
      if (isFull(room)) return { ok: false, reason: 'full' };
      room.participants.push(userId);
    }
    if (room.owner === '' && this.#users.get(userId)?.role !== 'guest') room.owner = userId;
    this.#enter(userId, id);
    return { ok: true, room: structuredClone(room) };
  }

  async leave(id: string, userId: string): Promise<LeaveOutcome> {
    this.#exit(userId, id);
    const room = this.#rooms.get(id);
    if (!room || !room.participants.includes(userId))
      return { ...NO_LEAVE, room: room && structuredClone(room) };
    const left = { ...NO_LEAVE, left: true };
    room.participants = room.participants.filter((p) => p !== userId);
    if (room.participants.length === 0) {
      this.#rooms.delete(id);
      this.#trees.delete(id);
      return left;
    }
    if (room.owner !== userId) return { ...left, room: structuredClone(room) };
    if (room.autoClose) {
      this.#rooms.delete(id);
      this.#trees.delete(id);
      for (const member of room.participants) this.#exit(member, id);
      return {
        ...left,
        closed: true,
        remaining: [...room.participants],
        broadcast: room.relayLimit > 0,
      };
    }
    // Ownership moves to the longest-present participant who may own it (not a guest).
    room.owner = room.participants.find((p) => this.#users.get(p)?.role !== 'guest') ?? '';
    return { ...left, room: structuredClone(room), newOwner: room.owner };
  }

  async delete(id: string): Promise<RoomRecord | undefined> {
    const room = this.#rooms.get(id);
    this.#rooms.delete(id);
    this.#trees.delete(id);
    for (const member of room?.participants ?? []) this.#exit(member, id);
    return room;
  }

  async update(id: string, patch: RoomPatch): Promise<RoomRecord | undefined> {
    const room = this.#rooms.get(id);
    if (!room) return undefined;
    Object.assign(room, structuredClone(patch));
    return structuredClone(room);
  }

  async listPublic(identifier: string): Promise<RoomRecord[]> {
    return [...this.#rooms.values()]
      .filter(
        (room) =>
          room.identifier !== '' && room.identifier === identifier && room.participants.length > 0,
      )
      .map((room) => structuredClone(room));
  }

  async size(): Promise<number> {
    return this.#rooms.size;
  }

  async claimUser(user: UserRecord): Promise<boolean> {
    if (this.#users.has(user.userId)) return false;
    this.#users.set(user.userId, structuredClone(user));
    return true;
  }

  async getUser(userId: string): Promise<UserRecord | undefined> {
    const user = this.#users.get(userId);
    return user && structuredClone(user);
  }

  async getUsers(userIds: string[]): Promise<(UserRecord | undefined)[]> {
    return Promise.all(userIds.map((id) => this.getUser(id)));
  }

  async getRoomAndUser(
    roomId: string,
    userId: string,
  ): Promise<[RoomRecord | undefined, UserRecord | undefined]> {
    return [await this.get(roomId), await this.getUser(userId)];
  }

  async setUserExtra(userId: string, sid: string, extra: UserRecord['extra']): Promise<void> {
    const user = this.#users.get(userId);
    if (user?.sid === sid) user.extra = structuredClone(extra);
  }

  async renameUser(from: string, to: string, sid: string, aliasTtlMs: number): Promise<boolean> {
    const user = this.#users.get(from);
    if (user?.sid !== sid || this.#users.has(to)) return false;
    const room = user.room ? this.#rooms.get(user.room) : undefined;
    if (room) {
      if (room.participants.includes(to)) return false;
      room.participants = room.participants.map((p) => (p === from ? to : p));
      if (room.owner === from) room.owner = to;
    }
    this.#users.delete(from);
    this.#users.set(to, { ...user, userId: to });
    const now = Date.now();
    for (const [id, alias] of this.#aliases) if (alias.until < now) this.#aliases.delete(id);
    if (aliasTtlMs > 0) this.#aliases.set(from, { to, until: now + aliasTtlMs });
    this.#aliases.delete(to);
    return true;
  }

  async aliasOf(userId: string): Promise<string | undefined> {
    const alias = this.#aliases.get(userId);
    return alias && alias.until >= Date.now() ? alias.to : undefined;
  }

  async releaseUser(userId: string, sid: string): Promise<void> {
    if (this.#users.get(userId)?.sid === sid) this.#users.delete(userId);
  }

  async resumeUser(user: UserRecord, proof: string): Promise<UserRecord | undefined> {
    const previous = this.#users.get(user.userId);
    if (!previous?.token || previous.token !== proof) return undefined;
    this.#users.set(user.userId, { ...structuredClone(user), room: previous.room, graceUntil: 0 });
    return structuredClone(previous);
  }

  async setGrace(userId: string, sid: string, until: number, node: string): Promise<boolean> {
    const user = this.#users.get(userId);
    if (user?.sid !== sid) return false;
    user.graceUntil = until;
    user.node = node;
    return true;
  }

  async endGrace(userId: string, sid: string): Promise<UserRecord | undefined> {
    const user = this.#users.get(userId);
    if (user?.sid !== sid || !user.graceUntil) return undefined;
    this.#users.delete(userId);
    return structuredClone(user);
  }

  async updateTree<T>(
    roomId: string,
    change: (tree: TreeState | undefined) => { tree: TreeState | undefined; result: T },
  ): Promise<T> {
    const current = this.#trees.get(roomId);
    const { tree, result } = change(current && structuredClone(current));
    if (tree && this.#rooms.has(roomId)) this.#trees.set(roomId, structuredClone(tree));
    else this.#trees.delete(roomId);
    return result;
  }

  async getTree(roomId: string): Promise<TreeState | undefined> {
    const tree = this.#trees.get(roomId);
    return tree && structuredClone(tree);
  }

  async addGuesses(roomId: string, delta: number, windowMs: number): Promise<number> {
    const now = Date.now();
    let guesses = this.#guesses.get(roomId);
    if (!guesses || guesses.until < now) {
      guesses = { count: 0, until: now + windowMs };
      this.#guesses.set(roomId, guesses);
    }
    guesses.count = Math.max(0, guesses.count + delta);
    return guesses.count;
  }

  async clearGuesses(roomId: string): Promise<void> {
    this.#guesses.delete(roomId);
  }

  #enter(userId: string, roomId: string): void {
    const user = this.#users.get(userId);
    if (user) user.room = roomId;
  }

  #exit(userId: string, roomId: string): void {
    const user = this.#users.get(userId);
    if (user?.room === roomId) user.room = '';
  }
}
