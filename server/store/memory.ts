import type { TreeState } from '../broadcast/tree.js';
import type {
  JoinOutcome,
  LeaveOutcome,
  RoomPatch,
  RoomRecord,
  RoomStore,
  UserRecord,
} from './types.js';
import {
  addParticipant,
  isListed,
  removeParticipant,
  renameParticipant,
} from '../../src/protocol/index.js';

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
    if (!room) return { ok: false, reason: 'not-found' };
    const refused = addParticipant(room, userId, this.#mayOwn(userId));
    if (refused) return { ok: false, reason: refused };
    this.#enter(userId, id);
    return { ok: true, room: structuredClone(room) };
  }

  async leave(id: string, userId: string): Promise<LeaveOutcome> {
    this.#exit(userId, id);
    const room = this.#rooms.get(id);
    const departure = room && removeParticipant(room, userId, (p) => this.#mayOwn(p));
    if (!room || !departure?.left) return { ...NO_LEAVE, room: room && structuredClone(room) };
    const { newOwner, closed, remaining } = departure;
    if (departure.deleted) {
      this.#rooms.delete(id);
      this.#trees.delete(id);
      for (const member of remaining) this.#exit(member, id);
    }
    return {
      left: true,
      room: departure.deleted ? undefined : structuredClone(room),
      newOwner,
      closed,
      remaining,
      broadcast: closed && room.relayLimit > 0,
    };
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
      .filter((room) => isListed(room, identifier))
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
    if (room && !renameParticipant(room, from, to)) return false;
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

  /** A guest (room tokens' role) never owns a room (§8.3). */
  #mayOwn(userId: string): boolean {
    return this.#users.get(userId)?.role !== 'guest';
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
